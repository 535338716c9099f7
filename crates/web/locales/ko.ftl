# fermata 웹 앱 — 한국어.
# 용어는 docs/glossary.md를 따릅니다.

## 기본 틀
skip-to-content = 본문으로 건너뛰기
nav-label = 주 메뉴
nav-home = 홈
nav-dashboard = 대시보드
nav-works = 카탈로그
nav-policies = 정책
nav-requests = 요청
nav-licences = 라이선스
nav-statements = 정산서
nav-reservations = 권리 유보
nav-notices = 무단 이용 신고
nav-team = 팀 및 키
nav-scans = 스캔
nav-manifests = 매니페스트
nav-proof = 증명 확인
nav-transparency = 투명성
nav-misuse = 무단 이용 신고하기
sign-in = 로그인
sign-out = 로그아웃
language = 언어
language-change = 변경
footer-tagline = fermata: 허락이 먼저, 투명하고 빠르게.

## 역할
role-holder-admin = 권리자(관리자)
role-holder-viewer = 권리자(열람 전용)
role-developer = AI 개발자
role-auditor = 감사인
role-public = 방문자

## 오류
error-explain = 변경된 내용이 없습니다.
error-detail = 세부 정보:
error-home = 시작 페이지로 돌아가기
error-sign-in = 로그인해 주십시오
error-forbidden = 현재 역할로는 할 수 없는 작업입니다
error-not-found = 찾을 수 없습니다
error-csrf = 이 양식은 만료되었습니다
error-bad-form = 이 양식을 읽을 수 없습니다
error-invalid = 이 작업을 수행할 수 없습니다
error-conflict = 이미 처리되었거나 변경된 항목입니다
error-too-many = 시도 횟수가 너무 많습니다. 잠시 후 다시 시도해 주십시오
error-internal = 서버에 문제가 발생했습니다

## 홈
home-title = 허락에 기반한 음악과 AI
home-lead = fermata에서 권리자는 AI가 자신의 음원을 이용하는 용도마다 허락 여부를 정하고, AI 개발자는 학습 데이터의 권리를 처리하며, 누구나 무엇이 이용되었는지 확인할 수 있습니다.
home-holders = 권리자
home-holders-text = 음반사, 음악 출판사, 아티스트, 신탁관리단체는 저작물을 등록하고 이용 조건을 정하며(기본값은 '아니요'), 라이선스 요청을 결정하고 정산서를 받을 수 있습니다.
home-developers = AI 개발자
home-developers-text = 학습 데이터셋을 스캔해 라이선스가 필요한 음원을 확인하고, 한 번에 요청한 뒤 검증 가능한 매니페스트를 공개할 수 있습니다.
home-public = 누구나
home-public-text = 특정 음원의 이용 여부를 증명으로 확인하고, 모델이 어떤 데이터로 학습되었는지 살펴보고, 아티스트의 저작물이나 목소리가 무단으로 이용된 경우 신고할 수 있습니다.

## 로그인 및 계정
sign-in-title = 로그인
sign-in-failed = 이메일 주소 또는 비밀번호가 올바르지 않습니다.
sign-in-too-many = 시도 횟수가 너무 많습니다. 15분 후에 다시 시도해 주십시오.
sign-in-forgot = 비밀번호를 잊으셨습니까? 관리자나 레지스트리 운영자에게 재설정 링크를 요청하십시오.
field-email = 이메일 주소
field-password = 비밀번호
field-password-current = 현재 비밀번호
field-password-new = 새 비밀번호
field-password-repeat = 새 비밀번호 확인
field-name = 이름
field-party = 소속
field-role = 역할
field-registrant = 등록자
account-title = 내 계정
password-change = 비밀번호 변경
password-change-ends-sessions = 비밀번호를 변경하면 모든 기기에서 로그아웃됩니다.
password-rule = { $min }자 이상이어야 합니다. 서로 관련 없는 단어 몇 개를 이어 쓰면 좋은 비밀번호가 됩니다.
password-mismatch = 입력한 새 비밀번호가 서로 일치하지 않습니다.
invite-title = fermata 가입
invite-lead = { $party }의 구성원으로 초대되었습니다. 역할: { $role }
invite-accept = 계정 만들기
reset-title = 새 비밀번호 설정
reset-lead = { $email } 계정의 새 비밀번호를 설정하십시오.
reset-save = 새 비밀번호 저장

## 대시보드
dashboard-title = 대시보드
stat-works = 등록된 저작물
stat-pending-lines = 결정 대기 중인 요청 항목
stat-active-licences = 유효한 라이선스
stat-money-year = 올해 받을 금액
stat-scans = 스캔
stat-waiting-lines = 권리자 결정 대기 중인 요청 항목
stat-manifests = 매니페스트
dashboard-scans-found = 내 저작물이 발견된 최근 스캔
dashboard-no-scans = 아직 내 저작물이 발견된 스캔이 없습니다.
dashboard-latest-scans = 최근 스캔

## 표 열
col-action = 작업
col-amount = 금액
col-answer = 응답
col-artist = 아티스트
col-created = 생성일
col-dataset = 데이터셋
col-decided-by = 결정자
col-developer = 개발자
col-download = 다운로드
col-duration = 재생 시간
col-entries = 항목 수
col-expires = 만료일
col-file = 파일
col-files = 파일
col-files-with-your-works = 내 저작물 포함 파일
col-finished = 완료
col-from = 시작일
col-holder = 권리자
col-holders = 권리자
col-hours = 시간 수
col-issued = 발행일
col-key = 키
col-licence = 라이선스
col-manifest = 매니페스트
col-model = 모델
col-period = 기간
col-price = 가격
col-received = 접수일
col-request = 요청
col-revoked = 철회일
col-root = 공개 루트
col-scan = 스캔
col-share = 지분
col-since = 가입일
col-started = 시작
col-statement = 정산서
col-status = 상태
col-term = 이용 기간
col-territories = 지역
col-territory = 지역
col-title = 제목
col-to = 종료일
col-use = 용도
col-verdict = 판정
col-what = 내용
col-when = 일시
col-where = 파일 내 위치
col-who = 사용자
col-why = 사유
col-work = 저작물
col-works = 저작물
none = 아직 없습니다.
download = 다운로드
search = 검색
pager-label = 페이지
pager-prev = 이전
pager-next = 다음
pager-position = { $page } / { $pages } 페이지

## 용도, 응답, 판정, 상태
use-train-genai = 생성형 AI 학습
use-train-ai = 기타 AI 학습
use-tdm-research = 연구 목적 텍스트 및 데이터 마이닝
use-voice-likeness = 목소리 또는 초상
use-inference-input = 생성 시 입력
decision-deny = 아니요
decision-deny-default = 아니요(미설정)
decision-licence-required = 라이선스 필요
decision-allow = 예
verdict-cleared = 허용
verdict-licence-required = 라이선스 필요
verdict-denied = 거부
verdict-unidentified = 식별 불가
verdict-error = 읽기 불가
licence-active = 유효
licence-scheduled = 시작 전
licence-expired = 만료
licence-revoked = 철회됨
line-pending = 대기 중
line-approved = 승인됨
line-refused = 거절됨
price-per-work = 저작물당
price-per-hour = 오디오 1시간당
price-pool-share = 수익 풀 배분
territory-world = 전 세계
term-months = { $months }개월
term-from = { $from }부터
term-hint = 개월 수로 입력합니다. 종료일이 없으면 비워 두십시오.
territories-hint = 국가 코드를 쉼표로 구분해 입력합니다(예: DE, FR). 비워 두면 전 세계입니다.

## 카탈로그 및 저작물
works-title = 카탈로그
works-search = 제목, 아티스트 또는 ISRC로 검색
works-count = 저작물 { $count }개
work-credits = 크레디트
work-shares = 지역별 지분
work-answers = 현재 이 저작물의 응답
work-answers-hint = 이 화면, 스캔, API에는 같은 규칙이 적용됩니다. 지분을 가진 모든 권리자가 '예'라고 답했거나 라이선스를 부여한 경우에만 해당 용도가 허용됩니다.
work-licences = 라이선스
work-history = 이력

## 정책
policies-title = 정책
policies-lead = 전체 카탈로그에 대해 용도별로 응답을 정합니다. 설정하지 않으면 '아니요'로 처리됩니다.
policies-exceptions = 개별 저작물 예외
policies-set = 정책 설정
policies-isrc = ISRC(선택)
policies-isrc-hint = 비워 두면 전체 카탈로그에 적용됩니다.
policies-save = 정책 저장
price-model = 가격 모델
price-amount = 금액
price-currency = 통화

## 요청
requests-title = 라이선스 요청
requests-pending = 결정 대기 중
requests-none-pending = 대기 중인 요청 항목이 없습니다.
requests-decided = 결정 완료
requests-select = 선택
requests-select-all = 모든 항목 선택
requests-select-line = 요청 { $request }, 저작물 { $work } 선택
requests-reason = 사유(개발자에게 표시됨)
requests-approve = 선택 항목 승인
requests-refuse = 선택 항목 거절
requests-none-selected = 항목을 하나 이상 선택하십시오.
requests-more = 최근 2,000개 항목만 표시됩니다.

## 라이선스 및 정산서
licences-title = 라이선스
licences-revoke = 철회
licences-revoke-reason = 철회 사유
licence-all-works = 모든 저작물
licence-n-works = 저작물 { $count }개
statements-title = 정산서
statement-title = 정산서 { $id }
statement-pool = 수익 풀
statement-totals = 권리자별 합계
statement-lines = 세부 내역

## 권리 유보
reservations-title = 권리 유보
reservations-lead = 이 파일들은 크롤러와 AI 개발자에게 귀하가 유보한 권리를 표준 형식(TDMRep 및 AI 이용 선호 표시)으로 알립니다. 귀하의 웹사이트에 게시하십시오.
reservations-location = 적용되는 웹사이트 경로
reservations-update = 업데이트
reservations-headers = HTTP 헤더
reservations-public = 누구나 열람할 수 있는 주소:
reservations-meta = HTML <meta> 요소
reservations-meta-lead = 음악을 소개하는 각 웹 페이지의 <head>에 넣으세요(TDMRep). 그러면 페이지도 위 파일들과 같은 내용을 알립니다.
public-reservations-title = { $party }의 권리 유보
public-reservations-lead = { $party }의 AI 이용에 대한 권리 유보 내용으로, fermata를 통해 공개되었습니다.

## 스캔 및 매니페스트
scans-title = 스캔
scans-how = 스캔은 데이터가 있는 곳에서 실행합니다: `fermata scan DATASET --model MODEL --use USE --territory XX`. 완료되는 대로 여기에 표시됩니다.
scans-none = 아직 스캔이 없습니다.
scan-title = 스캔 { $id }
scan-running = 실행 중
scan-filter = 판정별 파일 보기
scan-all-files = 모든 파일
scan-file-pending = 미결정
scan-request-lead = 라이선스가 필요한 파일이 { $count }개 있습니다.
scan-request-all = 라이선스 필요 저작물 일괄 요청
manifests-title = 매니페스트
manifests-none = 아직 매니페스트가 없습니다.
manifests-proof = 증명

## 팀
team-title = 팀 및 API 키
team-people = 구성원
team-invite = 구성원 초대
team-invite-make = 초대 링크 만들기
team-keys = API 키
team-keys-hint = API 키는 소프트웨어가 사용하며, 사람은 여기에서 로그인합니다.
team-key-make = API 키 만들기
team-key-revoke = { $id } 철회
invite-made = 초대 링크입니다. 지금 한 번만 표시됩니다. 초대할 사람에게 보내십시오. 링크는 7일 동안 한 번만 사용할 수 있습니다.
key-made = API 키 { $id }입니다. 지금 한 번만 표시됩니다. 소프트웨어의 비밀 정보 저장소에 보관하십시오.
shown-once-hint = 다시 표시되지 않습니다.
invite-open = 미사용
invite-used = { $at } 사용됨

## 증명 확인
proof-title = 증명 확인
proof-lead = 개발자는 학습 매니페스트마다 루트를 하나씩 공개합니다. 증명은 특정 음원이 해당 매니페스트에 포함되어 있는지 여부를 보여 줍니다. 확인은 브라우저 안에서 이루어지며, fermata로 전송되는 정보는 없습니다.
proof-needs-js = 이 확인 도구는 브라우저에서 실행되며 JavaScript가 필요합니다.
proof-file = 증명 파일
proof-text = 또는 증명 붙여넣기
proof-root = 공개 루트
proof-root-hint = 개발자가 공개한 그대로의 16진수 64자.
proof-work = 예상 ISRC(선택)
proof-check = 확인
proof-busy = 확인 중…
proof-included = 유효함: { $isrc }은(는) { $developer }의 { $model } 모델용 매니페스트 { $manifest }에 포함되어 있습니다.
proof-not-included = 유효함: { $isrc }은(는) { $developer }의 { $model } 모델용 매니페스트 { $manifest }에 포함되어 있지 않습니다.
proof-malformed = 유효하지 않음: fermata 증명이 아닙니다.
proof-version = 유효하지 않음: 이 확인 도구가 지원하지 않는 증명 버전입니다.
proof-invalid = 유효하지 않음: 증명이 공개 루트로 이어지지 않습니다. 변조되었을 수 있습니다.
proof-wrong-work = 유효하지 않음: { $isrc }이(가) 아닌 다른 음원에 대한 증명입니다.
proof-wrong-root = 유효하지 않음: 이 증명이 만들어진 루트가 아니거나, 올바른 루트가 아닙니다.
proof-privacy = 증명은 브라우저 자체의 암호 기능(SHA-256)으로 확인합니다. 이 페이지는 증명을 어디에도 전송하지 않습니다.

## 투명성
transparency-title = 투명성
transparency-lead = 개발자가 fermata를 통해 허용된 학습 매니페스트를 공개한 모델입니다.
transparency-none = 아직 공개된 매니페스트가 없습니다.
model-title = 모델 { $model }
model-scans = 스캔
model-files = 최근 스캔의 판정별 파일
model-check-proof = 이 루트로 증명 확인
model-what-it-proves = 루트는 스캔에서 허용된 모든 파일을 암호학적으로 확정합니다. 매니페스트에 기재된 내용은 증명하지만, 다른 데이터가 사용되지 않았다는 사실까지 증명할 수는 없습니다.

## 무단 이용
misuse-title = 무단 이용 신고
misuse-lead = 음원을 베낀 생성 곡이나 아티스트를 흉내 낸 목소리를 발견하셨습니까? 권리자에게 알려 주십시오. 파일을 업로드하면 fermata가 어떤 등록 음원이 들어 있는지 확인합니다.
misuse-kind = 유형
notice-kind-generated-track = 음원을 베낀 생성 곡
notice-kind-voice-imitation = 아티스트를 흉내 낸 목소리
notice-kind-other = 기타
misuse-subject = 해당 아티스트 또는 저작물
misuse-holder = 관련 음반사, 음악 출판사 또는 아티스트
misuse-holder-unknown = 모름
misuse-isrc = 음원의 ISRC(선택)
misuse-link = 링크
misuse-file = 파일
misuse-file-hint = 오디오 또는 동영상, 최대 { $mb } MB.
misuse-details = 문제 내용
misuse-email = 이메일 주소(선택, 회신용)
misuse-send = 신고 보내기
misuse-filed-title = 감사합니다
misuse-filed-lead = 신고({ $id })를 다음 권리자에게 보냈습니다: { $holders }.
misuse-found = 파일에서 발견된 등록 음원
misuse-found-none = 파일에서 등록된 음원이 발견되지 않았습니다.
notices-title = 무단 이용 신고
notices-none = 아직 신고가 없습니다.
notices-move-to = 상태 변경
notices-note = 메모 또는 처리 결과
notices-save = 저장
notice-state-received = 접수됨
notice-state-acknowledged = 확인됨
notice-state-forwarded = 전달됨
notice-state-closed = 종결됨

## 가져오기
nav-import = 가져오기
import-title = 카탈로그 가져오기
import-lead = 카탈로그(CSV 또는 DDEX ERN 4)를 음원의 오디오와 함께 업로드하십시오. 파일 전체가 올바른 경우에만 등록되며, 그렇지 않으면 모든 문제를 해당 줄과 함께 알려 드립니다.
import-unavailable = 브라우저에서 가져오려면 서버가 fermata 홈 디렉터리를 알고 있어야 합니다(fermata serve로 시작한 경우에는 알고 있습니다).
import-no-catalogue = 카탈로그 파일을 선택하십시오.
import-catalogue = 카탈로그 파일(CSV 또는 DDEX XML)
import-catalogue-hint = 카탈로그 파일은 각 음원의 오디오를 한 폴더 기준의 상대 경로로 지정합니다.
import-audio = 오디오 파일 또는 zip 파일 하나
import-audio-hint = 카탈로그에 지정된 오디오 파일을 모두 선택하거나, 이를 담은 zip 파일을 선택하십시오.
import-start = 가져오기
import-checking = 카탈로그 확인 중…
import-progress = 오디오 핑거프린트 생성 중: 파일 { $of }개 중 { $done }개 완료.
import-failed-files = 읽을 수 없는 파일 { $count }개
import-refresh = 이 페이지는 자동으로 새로 고쳐집니다.
import-failed = 가져오기에 실패했습니다:
import-rejected = 아무것도 등록되지 않았습니다. 카탈로그에 다음 문제가 있습니다.
import-again = 다시 시도
import-done = 카탈로그를 가져왔습니다.
import-records = 파일 내 레코드
import-added = 새 저작물
import-updated = 업데이트된 저작물
import-unchanged = 변경 없는 저작물
import-conflicts = 다른 권리자가 등록한 저작물
import-awaiting = 다른 권리자의 동의를 기다리는 지분 변경
import-tracks = 핑거프린트를 생성한 음원
import-hours = 오디오 시간 수
import-notes = 참고 사항
col-line = 줄
col-field = 필드

## 가입 및 운영자
nav-sign-up = 가입
nav-operator = 운영자
role-operator = 레지스트리 운영자
kind-label = 음반사
kind-publisher = 음악 출판사
kind-artist = 아티스트
kind-society = 신탁관리단체
kind-developer = AI 개발자
kind-auditor = 감사인
kind-operator = 레지스트리 운영자
sign-up-title = fermata 가입
sign-up-lead = 음반사, 음악 출판사, 아티스트, 신탁관리단체, AI 개발자가 가입할 수 있습니다. 계정이 개설되기 전에 레지스트리 운영자가 각 신청을 확인합니다.
sign-up-kind = 가입 유형
sign-up-party-id = 소속 약칭
sign-up-party-id-hint = 영문 소문자, 숫자, 하이픈만 사용할 수 있습니다(예: indie-records). 기록에 표시되며 변경할 수 없습니다.
sign-up-about = 소개
sign-up-about-hint = 웹사이트, 카탈로그 규모, 신탁관리단체 등록 번호 등 운영자가 신원을 확인하는 데 도움이 되는 정보를 입력하십시오.
sign-up-send = 가입 신청
sign-up-received-title = 신청 접수 완료
sign-up-received = 감사합니다. 운영자가 신청을 확인합니다. 승인되면 { $email } 계정으로 로그인할 수 있습니다.
operator-title = 운영자
operator-pending = 가입 신청
operator-decided = 처리된 신청
operator-reason = 사유(거절 시)
operator-approve = 승인
operator-refuse = 거절
operator-parties = 소속 기관
signup-pending = 대기 중
signup-approved = 승인됨
signup-refused = 거절됨

## 상시 제안
nav-offers = 상시 제안
offers-title = 상시 제안
offers-lead = 상시 제안은 이용 유형별 조건을 공개합니다. 이 제안에 따른 요청은 받은 요청함으로 들어오며, 원하시면 즉시 승인됩니다.
col-offer = 제안
offers-auto = 즉시 승인
offers-auto-hint = 이 제안에 따른 요청을 즉시 승인
offers-publish = 제안 게시
offers-works-hint = ISRC를 쉼표로 구분해 입력하십시오. 비워 두면 전체 카탈로그에 적용됩니다.
offers-withdraw = { $id } 철회
offers-withdrawn = { $at }에 철회됨
yes = 예
no = 아니요

## Usage and EU summary
nav-usage = 이용
nav-eu-summary = EU 요약
col-report = 보고서
col-run = 학습 실행
col-cleared-by = 권리 처리 근거
col-date = 날짜
usage-title = 이용 보고서
usage-lead = 각 학습 실행에서 이용한 저작물과 저작물별 초 수를 보고하십시오. 해당 이용, 지역, 날짜에 대해 귀하에게 허용된 저작물만 보고할 수 있으며, 그렇지 않으면 아무것도 기록되지 않고 시도가 감사 로그에 남습니다.
usage-none = 아직 보고된 이용이 없습니다.
usage-report = 이용 보고
usage-no-scan = 스캔 없음
usage-scan-hint = 데이터의 권리 처리를 확인한 완료된 스캔(선택).
usage-no-manifest = 매니페스트 없음
usage-use-of-scan = 스캔 또는 매니페스트의 이용 유형
usage-territory-hint = 학습이 이루어진 곳: 국가 코드(예: DE) 또는 WORLD.
usage-works = 이용한 저작물
usage-works-hint = 한 줄에 저작물 하나: ISRC,초(예: ZZAAA2600001,90).
usage-file = 또는 CSV 파일
usage-file-hint = 머리글이 isrc,seconds인 CSV 파일. 파일을 선택하면 위의 줄은 무시됩니다.
usage-submit = 이용 보고
usage-not-text = 이 파일은 텍스트 파일(UTF-8)이 아닙니다.
eu-title = EU 학습 콘텐츠 요약
eu-lead = AI법(제53조 제1항 (d)호)이 범용 AI 모델 제공자에게 요구하는 학습 콘텐츠 공개 요약을 AI 사무국의 서식에 따라 작성합니다. fermata가 모델에 대한 기록(스캔, 라이선스, 매니페스트, 이용)을 채우고, 나머지는 귀하가 채웁니다.
eu-no-models = 아직 완료된 스캔이 없습니다. 요약은 완료된 스캔을 바탕으로 작성됩니다.
eu-none-hint = 마지막 항목을 제외한 모든 항목은 필수입니다. 이용하지 않은 출처에는 "none"이라고 쓰십시오. 요약은 서식과 마찬가지로 영어로 작성됩니다.
eu-provider-name = 제공자 이름
eu-provider-contact = 제공자 연락처
eu-representative = EU 내 대리인
eu-model-version = 모델 버전
eu-placed-on-market = EU 시장 출시일
eu-dependencies = 이 모델의 기반 모델
eu-other-modalities = 기타 모달리티(규모와 내용 포함)
eu-public-datasets = 공개 데이터셋
eu-public-datasets-hint = 한 줄에 하나씩: 이름 다음에 링크(예: Free Music Archive https://example.org/fma). 이용하지 않았다면 비워 두십시오.
eu-private-datasets = 기타 제3자의 비공개 데이터셋
eu-crawled-data = 크롤링 및 스크래핑한 데이터
eu-user-data = 사용자 데이터
eu-synthetic-data = 합성 데이터
eu-other-sources = 기타 출처
eu-illegal-content = 불법 콘텐츠 제거 조치
eu-other-information = 기타 정보
eu-optional = 선택 사항.
eu-preview-button = 미리 보기
eu-download-md = Markdown으로 다운로드
eu-download-html = HTML로 다운로드
eu-download-json = JSON으로 다운로드
eu-preview = 미리 보기
eu-preview-hint = 요약을 확인한 다음 게시할 형식으로 다운로드하십시오.
