"""Failed logins: when django-axes refuses more attempts, and for how long."""

import os
from datetime import timedelta

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one phone
# number or from one client address, further logins are refused, right password
# included, until the cool-off has passed. A browser that signed in to the
# number before counts only the failures from its own address
# (groupbuy.accounts.lockout.lockout_parameters).
AXES_FAILURE_LIMIT = int(os.environ.get("GROUPBUY_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("GROUPBUY_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = "groupbuy.accounts.lockout.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "groupbuy.accounts.lockout.axes_client_ip"
AXES_USERNAME_CALLABLE = "groupbuy.accounts.lockout.axes_username"
AXES_LOCKOUT_CALLABLE = "groupbuy.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A refused attempt during the cool-off does not extend it, so the time we tell
# people to come back holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False
