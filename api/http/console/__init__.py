"""The agents' web console: server-rendered pages in French on the same services as the API.

`install_console(app)` adds its routes, static files, security headers and the API documentation
page to the application built by `create_app`. Pages are plain links and forms; htmx (vendored)
only swaps fragments.
"""

from api.http.console.install import install_console

__all__ = ["install_console"]
