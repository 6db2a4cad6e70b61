from typing import Literal

UserStatusUpdateStatus = Literal["active", "deactivated", "suspended"]

USER_STATUS_UPDATE_STATUS_VALUES: set[UserStatusUpdateStatus] = {
    "active",
    "deactivated",
    "suspended",
}


def check_user_status_update_status(value: str) -> UserStatusUpdateStatus:
    if value in USER_STATUS_UPDATE_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USER_STATUS_UPDATE_STATUS_VALUES!r}"
    )
