# Layout
skip-to-content = Skip to content
brand-tagline = IP dispute case desk
nav-label = Main navigation
nav-home = Home
nav-account = My account
nav-admin-users = Users
nav-login = Sign in
nav-logout = Sign out
nav-register = Register
language-label = Language
footer-text = ipdesk — the case desk for IP infringement and technology-theft complaints.

# Roles
role-complainant = Complainant
role-respondent = Respondent
role-examiner = Examiner
role-legal = Legal officer
role-mediator = Mediator
role-admin = Administrator

# Home
home-title = IP dispute case desk
home-intro = File a complaint about patent, design or trademark infringement or the theft of your technology, follow its mediation or investigation, and keep your evidence on record.
home-register = Register to file a complaint
home-login = Sign in
home-welcome = Welcome, { $name }
home-signed-in-as = You are signed in as { $role }.
home-account-hint = Your details and password
home-users-hint = Office accounts, activation and set-up links

# Fields
field-name = Full name
field-email = E-mail address
field-password = Password
field-new-password = New password
field-current-password = Current password
field-role = Role
field-language = Language
field-created = Account created
field-status = Status
field-actions = Actions
password-hint = At least 8 characters. A few unrelated words make a strong password that is easy to remember. Any characters are allowed, including spaces and Korean.
form-has-errors = Please correct the fields marked below.

# Sign in
login-title = Sign in
login-submit = Sign in
login-no-account = No account yet?
err-login-missing = Enter your e-mail address and password.
err-login-failed = The e-mail address or password is incorrect.
err-login-wait-seconds = Too many failed sign-in attempts. Please wait { $seconds } seconds and try again.
err-login-wait-minutes = Too many failed sign-in attempts. Please wait { $minutes } minutes and try again.

# Registration
register-title = Register as a complainant
register-intro = Create an account to file and follow complaints. Office staff receive their accounts from an administrator.
register-submit = Create account
register-have-account = Already registered?

# Setup links
setup-title = Set up your account
setup-intro-admin = This is a new installation. Create the first administrator account.
setup-intro-account = Choose a password for { $email }.
setup-submit = Save and sign in
setup-invalid-title = This link cannot be used
setup-invalid-text = The set-up link is invalid, has expired or has already been used. Ask an administrator for a new one.

# Account
account-title = My account
password-title = Change password
password-intro = Changing your password signs you out everywhere else.
password-submit = Change password

# Administration
users-title = Users
users-active = Active
users-inactive = Deactivated
users-pending = Awaiting set-up
users-deactivate = Deactivate
users-activate = Reactivate
users-new-title = New office account
users-new-intro = The new colleague receives a one-time link with which they choose their own password.
users-create = Create account
users-created-title = Account created
users-created-text = The account { $email } was created.
users-created-link = Give its owner this one-time set-up link; it is valid for { $hours } hours:
users-back = Back to users

# Field errors
err-email-empty = Enter your e-mail address.
err-email-too-long = The e-mail address is too long.
err-email-invalid = Enter an e-mail address like name@example.com.
err-email-taken = An account with this e-mail address already exists. Sign in instead, or use another address.
err-name-empty = Enter a name.
err-name-too-long = The name can have at most 200 characters.
err-name-control = The name contains characters that cannot be shown, such as line breaks.
err-password-too-short = The password needs at least 8 characters.
err-password-too-long = The password can have at most 256 characters.
err-password-guessable = This password is too easy to guess: it is common, in leaked-password lists, or built from your name or e-mail. Try a few unrelated words.
err-current-password = The current password is incorrect.
err-role-invalid = Choose one of the office roles.

# Flash messages
flash-registered = Welcome! Your account has been created and you are signed in.
flash-signed-in = You are signed in.
flash-sign-in-required = Please sign in to continue.
flash-password-changed = Your password has been changed. Other sessions have been signed out.
flash-setup-complete = Your account is ready and you are signed in.
flash-user-deactivated = The account has been deactivated and signed out everywhere.
flash-user-activated = The account has been reactivated.

# Error pages
err-correlation = If you contact the office about this, quote this reference:
err-title-400 = Bad request
err-title-403 = Not allowed
err-title-404 = Page not found
err-title-405 = Not allowed
err-title-413 = Too large
err-title-422 = Cannot process this
err-title-429 = Too many requests
err-title-500 = Something went wrong
err-title-503 = Temporarily unavailable
err-page-400 = The request could not be understood. Go back and try again.
err-page-403 = You are not allowed to do this.
err-page-404 = There is nothing at this address, or you do not have access to it.
err-page-405 = This address does not accept that kind of request.
err-page-413 = What you sent is larger than allowed.
err-page-422 = What you sent could not be processed. Go back and check the form.
err-page-429 = Too many requests. Please wait a moment and try again.
err-page-500 = An unexpected error occurred. Nothing you sent was half-saved; please try again.
err-page-503 = The service is busy or its database cannot be reached. Please try again in a moment.
err-page-csrf = This form has expired or did not come from this site, so it was not accepted. Go back, reload the page and submit it again.
err-page-cross-site = This request came from another site and was refused. Open ipdesk at its own address and try again.
