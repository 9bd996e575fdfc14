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

# Mail
mail-greeting = Dear { $name },
mail-footer = This message was sent by ipdesk, the case desk of the intellectual-property office. Please do not reply to it.
mail-not-you = If you did not register, you can ignore this message.
mail-link-valid-hours = The link is valid for { $hours } hours and works once.
mail-link-valid-minutes = The link is valid for { $minutes } minutes and works once.
mail-verify-email-subject = Confirm your e-mail address for ipdesk
mail-verify-email-intro = Please confirm that this is your e-mail address, so that the office can send you notices about your cases.
mail-verify-email-button = Confirm my e-mail address
mail-password-reset-subject = Reset your ipdesk password
mail-password-reset-intro = Someone asked to reset the password of your ipdesk account. To choose a new password, open this link:
mail-password-reset-button = Choose a new password
mail-password-reset-not-you = If you did not ask for this, ignore this message: your password stays as it is.
mail-password-changed-subject = Your ipdesk password was changed
mail-password-changed-intro = The password of your ipdesk account was just changed, and every other session was signed out.
mail-password-changed-not-you = If you did not do this, reset your password at once and tell the office.
mail-account-invitation-subject = Your ipdesk account
mail-account-invitation-intro = An administrator created an ipdesk account for you, with the role { $role }. Choose your password with this link:
mail-account-invitation-button = Choose my password

# E-mail verification and password reset
home-verify-email = Please confirm your e-mail address: we sent a link to { $email }. Until then you can look around, but not file a complaint.
home-verify-resend = Send the link again
verify-title = Confirm your e-mail address
verify-intro = Press the button to confirm this is your e-mail address.
verify-submit = Confirm my e-mail address
verify-invalid = This confirmation link is invalid, has expired or has already been used. Sign in and ask for a new one.
login-forgot = Forgot your password?
reset-title = Reset your password
reset-intro = Enter the e-mail address of your account. We will send you a link to choose a new password.
reset-submit = Send the link
reset-sent = If an account exists for that address, we have sent it a link to choose a new password. The link is valid for 30 minutes.
reset-confirm-intro = Choose a new password. Every session of your account will be signed out.
reset-confirm-submit = Save the new password
reset-invalid = This reset link is invalid, has expired or has already been used.
reset-again = Ask for a new link
flash-email-verified = Thank you: your e-mail address is confirmed.
flash-verification-sent = We sent you a new confirmation link.
flash-verification-recently-sent = A confirmation link was sent a moment ago. Please check your mailbox, including the spam folder.
flash-password-reset = Your password has been reset. Sign in with the new password.
flash-notice-requeued = The notice will be sent again.

# Administration: audit log and outbox
nav-admin-audit = Audit log
nav-admin-outbox = Outbox
audit-title = Audit log
audit-intro = Every change and every sign-in, in order. Each entry is chained to the one before by its hash; the database refuses changes to past entries.
audit-search = Search
audit-action = Action
audit-time = Time (UTC)
audit-actor = Actor
audit-object = Object
audit-details = Details
audit-address = Address
outbox-title = Outbox
outbox-intro = Every notice the office sends, and what became of it. Failed notices can be sent again.
outbox-filter = Filter by status
outbox-queued = Queued (UTC)
outbox-recipient = Recipient
outbox-subject = Subject
outbox-attempts = Attempts
outbox-last-error = Last error
outbox-retry = Send again
outbox-status-pending = Waiting
outbox-status-sending = Sending
outbox-status-sent = Sent
outbox-status-failed = Failed
filter-all = All
filter-apply = Show
list-count = { $count } in all
pager-label = Pages
pager-newer = ← Newer
pager-older = Older →
pager-position = Page { $page }
nav-failed = failed
err-register-throttled = Too many registrations from your network in the last hour. Please try again later.
