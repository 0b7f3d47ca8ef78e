"""MCP resource URIs of documents and sections; findings and hits link to them."""

URI_SCHEME = "pattern://"


def document_uri(document: str) -> str:
    return f"{URI_SCHEME}{document}"


def section_uri(document: str, anchor: str) -> str:
    return f"{URI_SCHEME}{document}/{anchor}"
