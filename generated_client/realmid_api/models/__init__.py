"""Contains all the data models used in inputs/outputs.

Models are imported lazily: importing this package does not import the model modules; the
first access to a name imports only the submodule that defines it (PEP 562 ``__getattr__``).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .access_token_claims import AccessTokenClaims
    from .admin_events_response import AdminEventsResponse
    from .admin_platforms_response import AdminPlatformsResponse
    from .admin_search_response import AdminSearchResponse
    from .admin_stats import AdminStats
    from .api_key import APIKey
    from .api_key_create import APIKeyCreate
    from .api_key_page import APIKeyPage
    from .audit_event import AuditEvent
    from .config_patch import ConfigPatch
    from .domain_claim import DomainClaim
    from .domain_claim_request import DomainClaimRequest
    from .domain_txt import DomainTxt
    from .domain_verify_request import DomainVerifyRequest
    from .domain_verify_result import DomainVerifyResult
    from .error import Error
    from .invitation import Invitation
    from .invitation_create import InvitationCreate
    from .invitation_page import InvitationPage
    from .issue_request import IssueRequest
    from .issue_response import IssueResponse
    from .jwk import Jwk
    from .jwks import Jwks
    from .logout_request import LogoutRequest
    from .mfa_challenge import MFAChallenge
    from .mfa_confirm_request import MfaConfirmRequest
    from .mfa_enroll_result import MFAEnrollResult
    from .mfa_verify_request import MfaVerifyRequest
    from .mint_result import MintResult
    from .origin import Origin
    from .origin_bind_request import OriginBindRequest
    from .origin_claim import OriginClaim
    from .origin_hostname_request import OriginHostnameRequest
    from .origin_page import OriginPage
    from .otp_login_request import OtpLoginRequest
    from .page_meta import PageMeta
    from .platform_api_key_grant import PlatformApiKeyGrant
    from .platform_owner import PlatformOwner
    from .platform_summary import PlatformSummary
    from .platform_token_response import PlatformTokenResponse
    from .realm_config import RealmConfig
    from .realm_info import RealmInfo
    from .role_create import RoleCreate
    from .role_delete_result import RoleDeleteResult
    from .role_list_page import RoleListPage
    from .role_object import RoleObject
    from .role_patch import RolePatch
    from .role_rename import RoleRename
    from .search_hit import SearchHit
    from .session import Session
    from .session_info import SessionInfo
    from .session_info_page import SessionInfoPage
    from .tenant import Tenant
    from .tenant_config_patch import TenantConfigPatch
    from .tenant_create import TenantCreate
    from .tenant_domain_claim import TenantDomainClaim
    from .tenant_domain_claim_request import TenantDomainClaimRequest
    from .tenant_page import TenantPage
    from .tenant_patch import TenantPatch
    from .tenant_ref import TenantRef
    from .token_request import TokenRequest
    from .token_request_custom_claims import TokenRequestCustomClaims
    from .token_request_grant_type import TokenRequestGrantType
    from .transfer_owner_request import TransferOwnerRequest
    from .update_user_role_result import UpdateUserRoleResult
    from .user import User
    from .user_login_request import UserLoginRequest
    from .user_page import UserPage
    from .user_role_update import UserRoleUpdate
    from .user_status_update import UserStatusUpdate
    from .user_status_update_status import UserStatusUpdateStatus
    from .user_summary import UserSummary
    from .verify_request import VerifyRequest
    from .verify_response import VerifyResponse
    from .view_response import ViewResponse

__all__ = (
    "AccessTokenClaims",
    "AdminEventsResponse",
    "AdminPlatformsResponse",
    "AdminSearchResponse",
    "AdminStats",
    "APIKey",
    "APIKeyCreate",
    "APIKeyPage",
    "AuditEvent",
    "ConfigPatch",
    "DomainClaim",
    "DomainClaimRequest",
    "DomainTxt",
    "DomainVerifyRequest",
    "DomainVerifyResult",
    "Error",
    "Invitation",
    "InvitationCreate",
    "InvitationPage",
    "IssueRequest",
    "IssueResponse",
    "Jwk",
    "Jwks",
    "LogoutRequest",
    "MFAChallenge",
    "MfaConfirmRequest",
    "MFAEnrollResult",
    "MfaVerifyRequest",
    "MintResult",
    "Origin",
    "OriginBindRequest",
    "OriginClaim",
    "OriginHostnameRequest",
    "OriginPage",
    "OtpLoginRequest",
    "PageMeta",
    "PlatformApiKeyGrant",
    "PlatformOwner",
    "PlatformSummary",
    "PlatformTokenResponse",
    "RealmConfig",
    "RealmInfo",
    "RoleCreate",
    "RoleDeleteResult",
    "RoleListPage",
    "RoleObject",
    "RolePatch",
    "RoleRename",
    "SearchHit",
    "Session",
    "SessionInfo",
    "SessionInfoPage",
    "Tenant",
    "TenantConfigPatch",
    "TenantCreate",
    "TenantDomainClaim",
    "TenantDomainClaimRequest",
    "TenantPage",
    "TenantPatch",
    "TenantRef",
    "TokenRequest",
    "TokenRequestCustomClaims",
    "TokenRequestGrantType",
    "TransferOwnerRequest",
    "UpdateUserRoleResult",
    "User",
    "UserLoginRequest",
    "UserPage",
    "UserRoleUpdate",
    "UserStatusUpdate",
    "UserStatusUpdateStatus",
    "UserSummary",
    "VerifyRequest",
    "VerifyResponse",
    "ViewResponse",
)

# Public name -> relative submodule defining it; __getattr__ imports only that submodule.
_MODULE_BY_NAME: dict[str, str] = {
    "AccessTokenClaims": ".access_token_claims",
    "AdminEventsResponse": ".admin_events_response",
    "AdminPlatformsResponse": ".admin_platforms_response",
    "AdminSearchResponse": ".admin_search_response",
    "AdminStats": ".admin_stats",
    "APIKey": ".api_key",
    "APIKeyCreate": ".api_key_create",
    "APIKeyPage": ".api_key_page",
    "AuditEvent": ".audit_event",
    "ConfigPatch": ".config_patch",
    "DomainClaim": ".domain_claim",
    "DomainClaimRequest": ".domain_claim_request",
    "DomainTxt": ".domain_txt",
    "DomainVerifyRequest": ".domain_verify_request",
    "DomainVerifyResult": ".domain_verify_result",
    "Error": ".error",
    "Invitation": ".invitation",
    "InvitationCreate": ".invitation_create",
    "InvitationPage": ".invitation_page",
    "IssueRequest": ".issue_request",
    "IssueResponse": ".issue_response",
    "Jwk": ".jwk",
    "Jwks": ".jwks",
    "LogoutRequest": ".logout_request",
    "MFAChallenge": ".mfa_challenge",
    "MfaConfirmRequest": ".mfa_confirm_request",
    "MFAEnrollResult": ".mfa_enroll_result",
    "MfaVerifyRequest": ".mfa_verify_request",
    "MintResult": ".mint_result",
    "Origin": ".origin",
    "OriginBindRequest": ".origin_bind_request",
    "OriginClaim": ".origin_claim",
    "OriginHostnameRequest": ".origin_hostname_request",
    "OriginPage": ".origin_page",
    "OtpLoginRequest": ".otp_login_request",
    "PageMeta": ".page_meta",
    "PlatformApiKeyGrant": ".platform_api_key_grant",
    "PlatformOwner": ".platform_owner",
    "PlatformSummary": ".platform_summary",
    "PlatformTokenResponse": ".platform_token_response",
    "RealmConfig": ".realm_config",
    "RealmInfo": ".realm_info",
    "RoleCreate": ".role_create",
    "RoleDeleteResult": ".role_delete_result",
    "RoleListPage": ".role_list_page",
    "RoleObject": ".role_object",
    "RolePatch": ".role_patch",
    "RoleRename": ".role_rename",
    "SearchHit": ".search_hit",
    "Session": ".session",
    "SessionInfo": ".session_info",
    "SessionInfoPage": ".session_info_page",
    "Tenant": ".tenant",
    "TenantConfigPatch": ".tenant_config_patch",
    "TenantCreate": ".tenant_create",
    "TenantDomainClaim": ".tenant_domain_claim",
    "TenantDomainClaimRequest": ".tenant_domain_claim_request",
    "TenantPage": ".tenant_page",
    "TenantPatch": ".tenant_patch",
    "TenantRef": ".tenant_ref",
    "TokenRequest": ".token_request",
    "TokenRequestCustomClaims": ".token_request_custom_claims",
    "TokenRequestGrantType": ".token_request_grant_type",
    "TransferOwnerRequest": ".transfer_owner_request",
    "UpdateUserRoleResult": ".update_user_role_result",
    "User": ".user",
    "UserLoginRequest": ".user_login_request",
    "UserPage": ".user_page",
    "UserRoleUpdate": ".user_role_update",
    "UserStatusUpdate": ".user_status_update",
    "UserStatusUpdateStatus": ".user_status_update_status",
    "UserSummary": ".user_summary",
    "VerifyRequest": ".verify_request",
    "VerifyResponse": ".verify_response",
    "ViewResponse": ".view_response",
}

# Type checkers take the TYPE_CHECKING branch above and never see these functions, so a typo
# like `models.Sesion` is still reported instead of being typed as the return of __getattr__.
if not TYPE_CHECKING:
    import importlib

    def __getattr__(name: str) -> object:
        try:
            module_name = _MODULE_BY_NAME[name]
        except KeyError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module_name, __name__), name)
        # Cache it so later lookups are plain module attribute hits, not __getattr__ calls.
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
