from typing import Literal

UserLoginRequestMethod = Literal["firebase", "google"]

USER_LOGIN_REQUEST_METHOD_VALUES: set[UserLoginRequestMethod] = {
    "firebase",
    "google",
}


def check_user_login_request_method(value: str) -> UserLoginRequestMethod:
    if value in USER_LOGIN_REQUEST_METHOD_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USER_LOGIN_REQUEST_METHOD_VALUES!r}"
    )
