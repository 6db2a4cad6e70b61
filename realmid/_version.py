"""The SDK's version, and the Realm ID server version whose contract it speaks."""

__version__ = "0.1.0"

# openapi/realmid.yaml `info.version`: the server release the wire contract describes.
SERVER_VERSION = "0.7.0"
