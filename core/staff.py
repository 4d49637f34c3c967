"""Who counts as signed-in staff: the one test every staff-only view, in any app, applies."""


def is_verified_staff(user) -> bool:
    """
    Active staff whose session passed both sign-in steps (password, then a device: django-otp's
    OTPMiddleware sets is_verified). A password alone is not enough anywhere, not only in /admin/.
    """
    is_verified = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_staff and is_verified is not None and is_verified())
