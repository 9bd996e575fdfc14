# Layout
skip-to-content = 본문으로 건너뛰기
brand-tagline = 지식재산 분쟁 사건 창구
nav-label = 주 메뉴
nav-home = 처음으로
nav-account = 내 계정
nav-admin-users = 사용자 관리
nav-login = 로그인
nav-logout = 로그아웃
nav-register = 회원가입
language-label = 언어
footer-text = ipdesk — 지식재산 침해 및 기술탈취 신고 사건 창구입니다.

# Roles
role-complainant = 신청인
role-respondent = 피신청인
role-examiner = 심사관
role-legal = 법무담당관
role-mediator = 조정위원
role-admin = 관리자

# Home
home-title = 지식재산 분쟁 사건 창구
home-intro = 특허·디자인·상표 침해나 기술탈취 피해를 신고하고, 조정 또는 조사 진행 상황을 확인하며, 증거를 기록으로 남기세요.
home-register = 회원가입 후 신고하기
home-login = 로그인
home-welcome = { $name }님, 환영합니다
home-signed-in-as = { $role }(으)로 로그인했습니다.
home-account-hint = 내 정보와 비밀번호
home-users-hint = 직원 계정, 활성화 및 설정 링크

# Fields
field-name = 성명
field-email = 이메일 주소
field-password = 비밀번호
field-new-password = 새 비밀번호
field-current-password = 현재 비밀번호
field-role = 역할
field-language = 언어
field-created = 계정 생성일
field-status = 상태
field-actions = 작업
password-hint = 8자 이상 입력하세요. 서로 관련 없는 단어 몇 개를 이으면 기억하기 쉽고 안전한 비밀번호가 됩니다. 공백과 한글을 포함한 모든 문자를 쓸 수 있습니다.
form-has-errors = 아래 표시된 항목을 고쳐 주세요.

# Sign in
login-title = 로그인
login-submit = 로그인
login-no-account = 아직 계정이 없으신가요?
err-login-missing = 이메일 주소와 비밀번호를 입력하세요.
err-login-failed = 이메일 주소 또는 비밀번호가 올바르지 않습니다.
err-login-wait-seconds = 로그인 실패가 너무 많습니다. { $seconds }초 후에 다시 시도하세요.
err-login-wait-minutes = 로그인 실패가 너무 많습니다. { $minutes }분 후에 다시 시도하세요.

# Registration
register-title = 신청인 회원가입
register-intro = 계정을 만들면 신고서를 제출하고 진행 상황을 확인할 수 있습니다. 직원 계정은 관리자가 발급합니다.
register-submit = 계정 만들기
register-have-account = 이미 가입하셨나요?

# Setup links
setup-title = 계정 설정
setup-intro-admin = 새로 설치된 시스템입니다. 첫 관리자 계정을 만드세요.
setup-intro-account = { $email } 계정의 비밀번호를 정하세요.
setup-submit = 저장하고 로그인
setup-invalid-title = 이 링크는 사용할 수 없습니다
setup-invalid-text = 설정 링크가 잘못되었거나 만료되었거나 이미 사용되었습니다. 관리자에게 새 링크를 요청하세요.

# Account
account-title = 내 계정
password-title = 비밀번호 변경
password-intro = 비밀번호를 바꾸면 다른 곳의 로그인은 모두 종료됩니다.
password-submit = 비밀번호 변경

# Administration
users-title = 사용자 관리
users-active = 활성
users-inactive = 비활성
users-pending = 설정 대기
users-deactivate = 비활성화
users-activate = 다시 활성화
users-new-title = 새 직원 계정
users-new-intro = 새 직원은 일회용 링크를 받아 직접 비밀번호를 정합니다.
users-create = 계정 만들기
users-created-title = 계정이 생성되었습니다
users-created-text = { $email } 계정이 생성되었습니다.
users-created-link = 계정 소유자에게 이 일회용 설정 링크를 전달하세요. { $hours }시간 동안 유효합니다:
users-back = 사용자 목록으로

# Field errors
err-email-empty = 이메일 주소를 입력하세요.
err-email-too-long = 이메일 주소가 너무 깁니다.
err-email-invalid = name@example.com 형식의 이메일 주소를 입력하세요.
err-email-taken = 이 이메일 주소로 가입된 계정이 이미 있습니다. 로그인하거나 다른 주소를 사용하세요.
err-name-empty = 이름을 입력하세요.
err-name-too-long = 이름은 200자까지 입력할 수 있습니다.
err-name-control = 이름에 줄바꿈 등 표시할 수 없는 문자가 들어 있습니다.
err-password-too-short = 비밀번호는 8자 이상이어야 합니다.
err-password-too-long = 비밀번호는 256자까지 입력할 수 있습니다.
err-password-guessable = 너무 쉽게 추측할 수 있는 비밀번호입니다. 흔히 쓰이거나 유출된 비밀번호 목록에 있거나 이름·이메일로 만든 비밀번호입니다. 서로 관련 없는 단어 몇 개를 이어 보세요.
err-current-password = 현재 비밀번호가 올바르지 않습니다.
err-role-invalid = 직원 역할 중 하나를 고르세요.

# Flash messages
flash-registered = 환영합니다! 계정이 만들어졌고 로그인되었습니다.
flash-signed-in = 로그인되었습니다.
flash-sign-in-required = 계속하려면 로그인하세요.
flash-password-changed = 비밀번호가 변경되었습니다. 다른 곳의 로그인은 종료되었습니다.
flash-setup-complete = 계정이 준비되었고 로그인되었습니다.
flash-user-deactivated = 계정이 비활성화되었고 모든 로그인이 종료되었습니다.
flash-user-activated = 계정이 다시 활성화되었습니다.

# Error pages
err-correlation = 이 문제로 문의하실 때 다음 참조 번호를 알려 주세요:
err-title-400 = 잘못된 요청
err-title-403 = 허용되지 않음
err-title-404 = 페이지를 찾을 수 없음
err-title-405 = 허용되지 않음
err-title-413 = 크기 초과
err-title-422 = 처리할 수 없음
err-title-429 = 요청이 너무 많음
err-title-500 = 오류가 발생했습니다
err-title-503 = 일시적으로 사용할 수 없음
err-page-400 = 요청을 이해할 수 없습니다. 이전 페이지로 돌아가 다시 시도하세요.
err-page-403 = 이 작업을 할 권한이 없습니다.
err-page-404 = 이 주소에는 아무것도 없거나 접근 권한이 없습니다.
err-page-405 = 이 주소는 그런 종류의 요청을 받지 않습니다.
err-page-413 = 보낸 내용이 허용된 크기보다 큽니다.
err-page-422 = 보낸 내용을 처리할 수 없습니다. 이전 페이지로 돌아가 양식을 확인하세요.
err-page-429 = 요청이 너무 많습니다. 잠시 후 다시 시도하세요.
err-page-500 = 예기치 않은 오류가 발생했습니다. 보내신 내용이 일부만 저장되지는 않았으니 다시 시도하세요.
err-page-503 = 서비스가 혼잡하거나 데이터베이스에 연결할 수 없습니다. 잠시 후 다시 시도하세요.
err-page-csrf = 양식이 만료되었거나 이 사이트에서 보낸 것이 아니어서 받지 않았습니다. 이전 페이지로 돌아가 새로고침한 뒤 다시 제출하세요.
err-page-cross-site = 다른 사이트에서 온 요청이라 거부되었습니다. ipdesk 주소로 직접 접속해 다시 시도하세요.

# Mail
mail-greeting = { $name }님께,
mail-footer = 이 메일은 지식재산청 사건 창구 ipdesk에서 보냈습니다. 회신하지 마세요.
mail-not-you = 가입한 적이 없다면 이 메일은 무시하셔도 됩니다.
mail-link-valid-hours = 이 링크는 { $hours }시간 동안 한 번만 쓸 수 있습니다.
mail-link-valid-minutes = 이 링크는 { $minutes }분 동안 한 번만 쓸 수 있습니다.
mail-verify-email-subject = ipdesk 이메일 주소를 확인해 주세요
mail-verify-email-intro = 사건 관련 통지를 받으실 수 있도록 본인의 이메일 주소가 맞는지 확인해 주세요.
mail-verify-email-button = 이메일 주소 확인
mail-password-reset-subject = ipdesk 비밀번호 재설정
mail-password-reset-intro = ipdesk 계정의 비밀번호 재설정이 요청되었습니다. 새 비밀번호를 정하려면 다음 링크를 여세요:
mail-password-reset-button = 새 비밀번호 정하기
mail-password-reset-not-you = 요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.
mail-password-changed-subject = ipdesk 비밀번호가 변경되었습니다
mail-password-changed-intro = ipdesk 계정의 비밀번호가 방금 변경되었고, 다른 곳의 로그인은 모두 종료되었습니다.
mail-password-changed-not-you = 본인이 변경하지 않았다면 즉시 비밀번호를 재설정하고 사무국에 알려 주세요.
mail-account-invitation-subject = ipdesk 계정 안내
mail-account-invitation-intro = 관리자가 { $role } 역할의 ipdesk 계정을 만들었습니다. 다음 링크에서 비밀번호를 정하세요:
mail-account-invitation-button = 비밀번호 정하기

# E-mail verification and password reset
home-verify-email = 이메일 주소를 확인해 주세요. { $email }(으)로 링크를 보냈습니다. 확인 전에는 둘러볼 수는 있지만 신고서를 제출할 수 없습니다.
home-verify-resend = 링크 다시 보내기
verify-title = 이메일 주소 확인
verify-intro = 본인의 이메일 주소가 맞으면 버튼을 누르세요.
verify-submit = 이메일 주소 확인
verify-invalid = 이 확인 링크는 잘못되었거나 만료되었거나 이미 사용되었습니다. 로그인한 뒤 새 링크를 요청하세요.
login-forgot = 비밀번호를 잊으셨나요?
reset-title = 비밀번호 재설정
reset-intro = 계정의 이메일 주소를 입력하세요. 새 비밀번호를 정할 수 있는 링크를 보내 드립니다.
reset-submit = 링크 보내기
reset-sent = 해당 주소로 가입된 계정이 있으면 새 비밀번호를 정할 수 있는 링크를 보냈습니다. 링크는 30분 동안 유효합니다.
reset-confirm-intro = 새 비밀번호를 정하세요. 계정의 모든 로그인이 종료됩니다.
reset-confirm-submit = 새 비밀번호 저장
reset-invalid = 이 재설정 링크는 잘못되었거나 만료되었거나 이미 사용되었습니다.
reset-again = 새 링크 요청하기
flash-email-verified = 감사합니다. 이메일 주소가 확인되었습니다.
flash-verification-sent = 새 확인 링크를 보냈습니다.
flash-verification-recently-sent = 조금 전에 확인 링크를 보냈습니다. 스팸함을 포함해 메일함을 확인해 주세요.
flash-password-reset = 비밀번호가 재설정되었습니다. 새 비밀번호로 로그인하세요.
flash-notice-requeued = 통지를 다시 보냅니다.

# Administration: audit log and outbox
nav-admin-audit = 감사 기록
nav-admin-outbox = 발송함
audit-title = 감사 기록
audit-intro = 모든 변경과 로그인 기록을 순서대로 보여 줍니다. 각 항목은 해시로 앞 항목과 연결되어 있으며, 데이터베이스는 지난 항목의 변경을 거부합니다.
audit-search = 검색
audit-action = 작업
audit-time = 시각 (UTC)
audit-actor = 수행자
audit-object = 대상
audit-details = 세부 내용
audit-address = 주소
outbox-title = 발송함
outbox-intro = 사무국이 보내는 모든 통지와 그 결과입니다. 실패한 통지는 다시 보낼 수 있습니다.
outbox-filter = 상태별 보기
outbox-queued = 대기 등록 (UTC)
outbox-recipient = 받는 사람
outbox-subject = 제목
outbox-attempts = 시도 횟수
outbox-last-error = 마지막 오류
outbox-retry = 다시 보내기
outbox-status-pending = 대기 중
outbox-status-sending = 보내는 중
outbox-status-sent = 보냄
outbox-status-failed = 실패
filter-all = 전체
filter-apply = 보기
list-count = 모두 { $count }건
pager-label = 페이지
pager-newer = ← 최근
pager-older = 이전 →
pager-position = { $page }쪽
nav-failed = 실패
err-register-throttled = 지난 한 시간 동안 이 네트워크에서 가입 시도가 너무 많았습니다. 나중에 다시 시도하세요.
