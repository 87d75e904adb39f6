"""Bank files as a bank would send them back (pain.002 rejects, camt.054 returns), built from the
payments under test and valid against their XSD."""

from __future__ import annotations

from decimal import Decimal

from payments.sepa.model import default_payment_information_id

_CAMT_TX = """          <TxDtls>
            <Refs>
              <EndToEndId>{e2e}</EndToEndId>
            </Refs>
            <Amt Ccy="EUR">{amount}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RtrInf>
              <Rsn>
                <Cd>{code}</Cd>
              </Rsn>
            </RtrInf>
          </TxDtls>
"""


def camt054(message_id: str, returns: list[tuple[str, Decimal, str]]) -> bytes:
    """A camt.054.001.08 with one credit entry holding every returned transfer."""
    total = sum((amount for _, amount, _ in returns), Decimal("0.00"))
    details = "".join(_CAMT_TX.format(e2e=e, amount=f"{a:.2f}", code=c) for e, a, c in returns)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr>
      <MsgId>{message_id}</MsgId>
      <CreDtTm>2024-06-20T06:00:00+02:00</CreDtTm>
    </GrpHdr>
    <Ntfctn>
      <Id>NTF-{message_id[-6:]}</Id>
      <Acct>
        <Id>
          <IBAN>FR7630004000031234567890143</IBAN>
        </Id>
      </Acct>
      <Ntry>
        <Amt Ccy="EUR">{total:.2f}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>
          <Cd>BOOK</Cd>
        </Sts>
        <BookgDt>
          <Dt>2024-06-20</Dt>
        </BookgDt>
        <BkTxCd>
          <Domn>
            <Cd>PMNT</Cd>
            <Fmly>
              <Cd>ICDT</Cd>
              <SubFmlyCd>RRTN</SubFmlyCd>
            </Fmly>
          </Domn>
        </BkTxCd>
        <NtryDtls>
{details}        </NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
""".encode()


_PAIN_TX = """      <TxInfAndSts>
        <StsId>STS-{index:04d}</StsId>
        <OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf>
          <Rsn>
            <Cd>{code}</Cd>
          </Rsn>
        </StsRsnInf>
        <OrgnlTxRef>
          <Amt>
            <InstdAmt Ccy="EUR">{amount}</InstdAmt>
          </Amt>
        </OrgnlTxRef>
      </TxInfAndSts>
"""


def pain002(
    message_id: str, original_message_id: str, rejects: list[tuple[str, Decimal, str]]
) -> bytes:
    """A pain.002.001.03 rejecting some transfers of the original message."""
    details = "".join(
        _PAIN_TX.format(index=i, e2e=e, amount=f"{a:.2f}", code=c)
        for i, (e, a, c) in enumerate(rejects, start=1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>{message_id}</MsgId>
      <CreDtTm>2024-06-18T08:15:00+02:00</CreDtTm>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>{original_message_id}</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
      <GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>{default_payment_information_id(original_message_id, 1)}</OrgnlPmtInfId>
      <PmtInfSts>PART</PmtInfSts>
{details}    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
""".encode()


def pain002_group(
    message_id: str,
    original_message_id: str,
    *,
    group_status: str,
    code: str | None = None,
    block_status: str | None = None,
    rejects: list[tuple[str, Decimal, str]] | None = None,
    version: str = "03",
) -> bytes:
    """A pain.002.001.03 or .10 with a group status (RJCT: the whole file; ACSC: all
    accepted), optionally a payment-block status and transaction lines, as banks send them."""
    reason = f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf>" if code else ""
    group_reason = reason if block_status is None else ""
    block_reason = reason if block_status is not None else ""
    details = "".join(
        _PAIN_TX.format(index=i, e2e=e, amount=f"{a:.2f}", code=c)
        for i, (e, a, c) in enumerate(rejects or [], start=1)
    )
    block = ""
    if block_status is not None or details:
        status = f"<PmtInfSts>{block_status}</PmtInfSts>" if block_status else ""
        block = f"""    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>{default_payment_information_id(original_message_id, 1)}</OrgnlPmtInfId>
      {status}{block_reason}
{details}    </OrgnlPmtInfAndSts>
"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.{version}">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>{message_id}</MsgId>
      <CreDtTm>2024-05-07T08:15:00+02:00</CreDtTm>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>{original_message_id}</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
      <GrpSts>{group_status}</GrpSts>
      {group_reason}
    </OrgnlGrpInfAndSts>
{block}  </CstmrPmtStsRpt>
</Document>
""".encode()
