# fermata web app — English (the reference locale).
# Terms follow docs/glossary.md.

## Frame
skip-to-content = Skip to content
nav-label = Main
nav-home = Home
nav-dashboard = Dashboard
nav-works = Catalogue
nav-policies = Policies
nav-requests = Requests
nav-licences = Licences
nav-statements = Statements
nav-reservations = Reservations
nav-notices = Misuse notices
nav-team = Team and keys
nav-scans = Scans
nav-manifests = Manifests
nav-proof = Check a proof
nav-transparency = Transparency
nav-misuse = Report misuse
sign-in = Sign in
sign-out = Sign out
language = Language
language-change = Change
footer-tagline = fermata: permission first, transparent, fast.

## Roles
role-holder-admin = Rights holder (administrator)
role-holder-viewer = Rights holder (viewer)
role-developer = AI developer
role-auditor = Auditor
role-public = Visitor

## Errors
error-explain = Nothing was changed.
error-detail = Details:
error-home = Back to the start page
error-sign-in = Please sign in
error-forbidden = Your role does not allow this
error-not-found = Not found
error-csrf = This form has expired
error-bad-form = This form could not be read
error-invalid = This could not be done
error-conflict = This was already done or has changed
error-too-many = Too many attempts; please wait and try again
error-internal = Something went wrong on our side

## Home
home-title = Music and AI, with permission
home-lead = fermata lets rights holders say yes or no to each use of their recordings by AI, lets AI developers clear their training data, and lets anyone check what was used.
home-holders = Rights holders
home-holders-text = Labels, publishers, artists and collecting societies: register your works, set your terms (the default is no), decide on licence requests and receive statements.
home-developers = AI developers
home-developers-text = Scan a training dataset, see which recordings need a licence, request them in one step and publish a verifiable manifest.
home-public = Everyone
home-public-text = Check a proof that a recording was or was not used, see what a model was trained on, or report misuse of an artist's work or voice.

## Sign-in and account
sign-in-title = Sign in
sign-in-failed = The e-mail address or the password is not right.
sign-in-too-many = Too many attempts. Please wait 15 minutes and try again.
sign-in-forgot-link = Forgot your password?
forgot-title = Reset your password
forgot-lead = Give the e-mail address of your account. If an account has it, we send it a link to set a new password.
forgot-send = Send the link
forgot-sent = If an account has this address, a link to set a new password is on its way. It works once, for one hour. Look in your spam folder if it does not arrive.
forgot-no-mail = This registry does not send e-mail. Ask its operator for a reset link: they make one with the command fermata user reset and your e-mail address.
forgot-too-many = Too many requests. Wait an hour, then try again.
account-mail = E-mail notifications
account-mail-on = You get an e-mail when something needs you or your party: new licence requests, decisions, licences granted, revoked or ending soon, misuse notices, statements and finished scans.
account-mail-off = E-mail notifications are off: you get none.
account-mail-turn-off = Turn e-mail off
account-mail-turn-on = Turn e-mail on
field-email = E-mail address
field-password = Password
field-password-current = Current password
field-password-new = New password
field-password-repeat = New password again
field-name = Name
field-party = Organisation
field-role = Role
field-registrant = Registered by
account-title = Your account
password-change = Change password
password-change-ends-sessions = Changing your password signs you out everywhere.
password-rule = At least { $min } characters. A few unrelated words make a good password.
password-mismatch = The two new passwords are not the same.
invite-title = Join fermata
invite-lead = You are invited to join { $party } as { $role }.
invite-accept = Create my account
reset-title = Choose a new password
reset-lead = Choose a new password for { $email }.
reset-save = Save the new password

## Dashboards
dashboard-title = Dashboard
stat-works = registered works
stat-pending-lines = request lines waiting for you
stat-active-licences = active licences
stat-money-year = due to you this year
stat-scans = scans
stat-waiting-lines = request lines waiting for holders
stat-manifests = manifests
dashboard-scans-found = Latest scans that found your works
dashboard-no-scans = No scan has found your works yet.
dashboard-latest-scans = Latest scans

## Table columns
col-action = Action
col-amount = Amount
col-answer = Answer
col-artist = Artist
col-created = Created
col-dataset = Dataset
col-decided-by = Decided by
col-developer = Developer
col-download = Download
col-duration = Duration
col-entries = Entries
col-expires = Expires
col-file = File
col-files = Files
col-files-with-your-works = Files with your works
col-finished = Finished
col-from = From
col-holder = Rights holder
col-holders = Rights holders
col-hours = Hours
col-issued = Issued
col-key = Key
col-licence = Licence
col-manifest = Manifest
col-model = Model
col-period = Period
col-price = Price
col-received = Received
col-request = Request
col-revoked = Revoked
col-root = Published root
col-scan = Scan
col-share = Share
col-since = Since
col-started = Started
col-statement = Statement
col-status = Status
col-term = Term
col-territories = Territories
col-territory = Territory
col-title = Title
col-to = To
col-use = Use
col-verdict = Verdict
col-what = What
col-when = When
col-where = Where in the file
col-who = Who
col-match = Match (score, chance, where)
col-why = Why
col-work = Work
col-works = Works
none = None yet.
download = Download
search = Search
pager-label = Pages
pager-prev = Previous
pager-next = Next
pager-position = Page { $page } of { $pages }

## Uses, answers, verdicts, statuses
use-train-genai = Training generative AI
use-train-ai = Training other AI
use-tdm-research = Text and data mining for research
use-voice-likeness = Voice or likeness
use-inference-input = Input at generation time
decision-deny = No
decision-deny-default = No (nothing set)
decision-licence-required = Licence required
decision-allow = Yes
verdict-cleared = Cleared
verdict-licence-required = Licence required
verdict-denied = Denied
verdict-unidentified = Not identified
verdict-error = Could not be read
licence-active = Active
licence-scheduled = Not started yet
licence-expired = Expired
licence-revoked = Revoked
line-pending = Waiting
line-approved = Approved
line-refused = Refused
price-per-work = per work
price-per-hour = per hour of audio
price-pool-share = share of a pool
territory-world = Worldwide
term-months = { $months ->
    [one] { $months } month
   *[other] { $months } months
}
term-from = from { $from }
term-hint = In months; leave empty for no end.
territories-hint = Country codes separated by commas (e.g. DE, FR); empty means worldwide.

## Catalogue and works
works-title = Catalogue
works-search = Search by title, artist or ISRC
works-count = { $count } works
work-credits = Credits
work-shares = Shares by territory
work-answers = What this work answers today
work-answers-hint = The same rule answers here, in scans and in the API: a use is cleared only when every holder of a share says yes or has licensed it.
work-licences = Licences
work-history = History

## Policies
policies-title = Policies
policies-lead = What you answer to each use of your whole catalogue. Nothing set means no.
policies-exceptions = Exceptions for single works
policies-set = Set a policy
policies-isrc = ISRC (optional)
policies-isrc-hint = Leave empty for the whole catalogue.
policies-save = Save the policy
price-model = Price model
price-amount = Amount
price-currency = Currency

## Requests
requests-title = Licence requests
requests-pending = Waiting for a decision
requests-none-pending = No request line is waiting.
requests-decided = Decided
requests-select = Select
requests-select-all = Select every line
requests-select-line = Select request { $request }, work { $work }
requests-reason = Reason (shown to the developer)
requests-approve = Approve the selected lines
requests-refuse = Refuse the selected lines
requests-none-selected = Select at least one line.
requests-more = Only the latest 2,000 lines are shown.

## Licences and statements
licences-title = Licences
licences-revoke = Revoke
licences-revoke-reason = Reason for revoking
licence-all-works = All works
licence-n-works = { $count ->
    [one] { $count } work
   *[other] { $count } works
}
statements-title = Statements
statement-title = Statement { $id }
statement-pool = Pool
statement-totals = Totals by rights holder
statement-lines = Lines

## Reservations
reservations-title = Reservations
reservations-lead = These files tell crawlers and AI developers what you reserve, in the standard forms (TDMRep and AI preferences). Publish them on your website.
reservations-location = Path on your website they cover
reservations-update = Update
reservations-headers = HTTP headers
reservations-public = Anyone can read them at
reservations-meta = HTML <meta> elements
reservations-meta-lead = Put these in the <head> of each web page about your music (TDMRep). Pages then say the same as the files above.
public-reservations-title = Reservations of { $party }
public-reservations-lead = What { $party } reserves against AI use, as published with fermata.

## Scans and manifests
scans-title = Scans
scans-how = Scans run where the data is: `fermata scan DATASET --model MODEL --use USE --territory XX`. They appear here as they finish.
scans-none = No scan yet.
scan-match = score { $score }, chance { $chance }
scan-title = Scan { $id }
scan-running = Running
scan-filter = Show files by verdict
scan-all-files = All files
scan-file-pending = Not decided yet
scan-request-lead = { $count ->
    [one] One file needs a licence.
   *[other] { $count } files need a licence.
}
scan-request-all = Request licences for every licence-required work
manifests-title = Manifests
manifests-none = No manifest yet.
manifests-proof = Proof

## Team
team-title = Team and API keys
team-people = People
team-invite = Invite someone
team-invite-make = Make an invitation link
team-keys = API keys
team-keys-hint = Software uses API keys; people sign in here.
team-key-make = Make an API key
team-key-revoke = Revoke { $id }
invite-made = Invitation link, shown once. Send it to the person; it works once, for 7 days.
key-made = API key { $id }, shown once. Store it in your software's secret store.
shown-once-hint = This will not be shown again.
invite-open = Not used yet
invite-used = Used { $at }

## Proof checker
proof-title = Check a proof
proof-lead = A developer publishes one root for each training manifest. A proof shows that a recording is, or is not, in that manifest. Your browser checks it by itself: nothing is sent to fermata.
proof-needs-js = This checker runs in your browser and needs JavaScript.
proof-file = Proof file
proof-text = Or paste the proof
proof-root = Published root
proof-root-hint = 64 hexadecimal characters, as the developer published it.
proof-work = ISRC you expect (optional)
proof-check = Check
proof-busy = Checking…
proof-included = Valid: { $isrc } is in manifest { $manifest } of { $developer } for model { $model }.
proof-not-included = Valid: { $isrc } is not in manifest { $manifest } of { $developer } for model { $model }.
proof-malformed = Not valid: this is not a fermata proof.
proof-version = Not valid: this proof's version is not one this checker reads.
proof-invalid = Not valid: the proof does not lead to the published root. It may have been changed.
proof-wrong-work = Not valid: the proof is about another recording than { $isrc }.
proof-wrong-root = Not valid: the root is not the one this proof was made for, or it is not a root.
proof-privacy = The proof is checked with your browser's own cryptography (SHA-256). This page makes no request with it.

## Transparency
transparency-title = Transparency
transparency-lead = Models whose developers published a cleared training manifest with fermata.
transparency-none = No manifest has been published yet.
model-title = Model { $model }
model-scans = Scans
model-files = Files of the latest scan, by verdict
model-check-proof = Check a proof against this root
model-what-it-proves = The root commits to every cleared file of the scan. It proves what the manifest lists; it cannot prove that no other data was used.
col-certificate = Certificate
cert-heading = Certificates of clean training
cert-none = No certificate has been issued for this model.
cert-training-dates = Training dates
cert-status-valid = Valid
cert-status-invalid = Not valid
cert-download = Download (JWS)
cert-key-link = The issuer's public key (PEM)
cert-verify-link = Check a certificate
cert-what-it-proves = A certificate is this registry's signed statement that, when it was issued, its records showed every work in the model's cleared manifests licensed or allowed on each reported training date. It cannot show that no other data was used, nor that the usage reports are complete.
cert-verify-title = Check a certificate
cert-verify-lead = Paste a certificate of clean training (a JWS). It is checked here with the keys this registry published; you can also check it offline with the issuer's public key.
cert-verify-field = Certificate (JWS)
cert-verify-submit = Check
cert-valid = Valid: signed with this registry's key { $kid }.
cert-invalid = Not valid: this is not a certificate signed with a key of this registry, or it was altered.
cert-issuer = Issuer
cert-licences = Licences
cert-policies = Policies that allowed the use
cert-usage-reports = Usage reports

## Misuse
misuse-title = Report misuse
misuse-lead = Did you find a generated track that copies a recording, or a voice that imitates an artist? Tell the rights holders. If you upload the file, fermata checks which registered recordings it contains.
misuse-kind = What is it?
notice-kind-generated-track = A generated track that copies a recording
notice-kind-voice-imitation = A voice that imitates an artist
notice-kind-other = Something else
misuse-subject = Which artist or work
misuse-holder = Label, publisher or artist concerned
misuse-holder-unknown = I don't know
misuse-isrc = ISRC of the recording (optional)
misuse-link = Link to it
misuse-file = The file
misuse-file-hint = Audio or video, up to { $mb } MB.
misuse-details = What is wrong
misuse-email = Your e-mail address (optional, to hear back)
misuse-send = Send the report
misuse-filed-title = Thank you
misuse-filed-lead = Your report { $id } was sent to: { $holders }.
misuse-found = Registered recordings found in the file
misuse-found-none = No registered recording was found in the file.
notices-title = Misuse notices
notices-none = No notice yet.
notices-move-to = Move to
notices-note = Note or outcome
notices-save = Save
notice-state-received = Received
notice-state-acknowledged = Acknowledged
notice-state-forwarded = Forwarded
notice-state-closed = Closed

## Import
nav-import = Import
import-title = Import a catalogue
import-lead = Upload your catalogue (CSV or DDEX ERN 4) with the audio of its recordings. Nothing is registered unless the whole file is right; if it is not, you get every problem with its line.
import-unavailable = Importing from the browser needs the server to know its fermata home (it does when started with fermata serve).
import-no-catalogue = Choose the catalogue file.
import-catalogue = Catalogue file (CSV or DDEX XML)
import-catalogue-hint = The file names the audio of each recording, relative to one folder.
import-audio = Audio files, or one zip
import-audio-hint = Choose every audio file the catalogue names, or a zip holding them.
import-start = Import
import-checking = Checking the catalogue…
import-progress = Fingerprinting the audio: { $done } of { $of } files.
import-failed-files = { $count ->
    [one] { $count } file could not be read
   *[other] { $count } files could not be read
}
import-refresh = This page refreshes by itself.
import-failed = The import failed:
import-rejected = Nothing was registered: the catalogue has these problems.
import-again = Try again
import-done = The catalogue was imported.
import-records = Records in the file
import-added = New works
import-updated = Works updated
import-unchanged = Works unchanged
import-conflicts = Works registered by another holder
import-awaiting = Share changes waiting for other holders
import-tracks = Recordings fingerprinted
import-hours = Hours of audio
import-notes = Notes
col-line = Line
col-field = Field

## Sign-up and the operator
nav-sign-up = Join
nav-operator = Operator
role-operator = Registry operator
kind-label = Record label
kind-publisher = Music publisher
kind-artist = Artist
kind-society = Collecting society
kind-developer = AI developer
kind-auditor = Auditor
kind-operator = Registry operator
sign-up-title = Join fermata
sign-up-lead = Labels, publishers, artists, collecting societies and AI developers can join. The registry's operator checks each request before the account opens.
sign-up-kind = You are
sign-up-party-id = Short name for your organisation
sign-up-party-id-hint = Lower-case letters, digits and hyphens, e.g. indie-records. It appears in records and cannot change.
sign-up-about = About you
sign-up-about-hint = A website, the size of your catalogue, or your society's registration number: whatever helps the operator check who you are.
sign-up-send = Ask to join
sign-up-received-title = Request received
sign-up-received = Thank you. The operator will check your request; once it is approved you can sign in as { $email }.
operator-title = Operator
operator-pending = Requests to join
operator-decided = Decided requests
operator-reason = Reason (when refusing)
operator-approve = Approve
operator-refuse = Refuse
operator-parties = Parties
signup-pending = Waiting
signup-approved = Approved
signup-refused = Refused

## Offers
nav-offers = Offers
offers-title = Offers
offers-lead = A standing offer publishes your terms for a use. Requests under it come to your inbox, or are approved at once if you say so.
col-offer = Offer
offers-auto = Approved at once
offers-auto-hint = Approve requests under this offer at once
offers-publish = Publish an offer
offers-works-hint = ISRCs separated by commas; leave empty for your whole catalogue.
offers-withdraw = Withdraw { $id }
offers-withdrawn = Withdrawn { $at }
yes = Yes
no = No

## Usage and EU summary
nav-usage = Usage
nav-eu-summary = EU summary
col-report = Report
col-run = Training run
col-cleared-by = Cleared by
col-date = Date
usage-title = Usage reports
usage-lead = Report what each training run used: the works and the seconds of each. Only works cleared for you, for that use, territory and day, can be reported; otherwise nothing is recorded and the attempt is logged.
usage-none = No usage reported yet.
usage-report = Report usage
usage-no-scan = No scan
usage-scan-hint = The finished scan that cleared the data (optional).
usage-no-manifest = No manifest
usage-use-of-scan = The use of the scan or manifest
usage-territory-hint = Where the training took place: a country code (e.g. DE), or WORLD.
usage-works = Works used
usage-works-hint = One work a line: ISRC,seconds (e.g. ZZAAA2600001,90).
usage-file = Or a CSV file
usage-file-hint = A CSV file with the header isrc,seconds; when you choose one, the lines above are ignored.
usage-submit = Report usage
usage-not-text = The file is not a text file (UTF-8).
eu-title = EU training-content summary
eu-lead = The public summary of training content that the AI Act (Art. 53(1)(d)) asks of a general-purpose AI model's provider, in the AI Office's template. fermata fills in what its records say about the model (scans, licences, manifests, usage); you fill in the rest.
eu-no-models = None of your scans has finished yet: the summary is made from them.
eu-none-hint = Answer every Yes/No question; a Yes needs the fields under it, a No needs none. Write "none" where a text field does not apply. The summary is written in English, as the template is.
eu-provider-name = Provider name
eu-provider-contact = Provider contact details
eu-representative = Authorised representative in the Union
eu-model-version = Model version
eu-placed-on-market = Date placed on the Union market
eu-dependencies = Models this one builds on
eu-other-modalities = Other modalities, with their size and content
eu-public-datasets = Publicly available datasets
eu-public-datasets-hint = One a line: the name, then the link (e.g. Free Music Archive https://example.org/fma). Leave empty if none was used.
eu-private-datasets = Private datasets from other third parties
eu-crawled-data = Crawled and scraped data
eu-user-data = User data
eu-synthetic-data = Synthetic data
eu-other-sources = Other sources
eu-illegal-content = Measures to remove illegal content
eu-other-information = Other information
eu-optional = Optional.
eu-preview-button = Preview
eu-download-md = Download Markdown
eu-download-html = Download HTML
eu-download-json = Download JSON
eu-preview = Preview
eu-preview-hint = Check the summary, then download it in the format you publish.
eu-summary-version = Version of the summary
eu-last-update = Date of last update
eu-sme = Is the provider a small or medium-sized enterprise (SME)?
eu-other-modalities-hint = Modalities other than audio, one a line: modality; size band; types of content (e.g. text; Less than 1 billion tokens; song lyrics). Leave empty if none.
eu-linguistic = Linguistic characteristics of the training data
eu-other-characteristics = Other relevant characteristics of the training data
eu-yes = Yes
eu-no = No
eu-modalities = Modalities of the content
eu-modalities-hint = Comma-separated: text, image, video, audio, other. Leave empty for a No.
eu-public-used = Were publicly available datasets used?
eu-public-large = Large publicly available datasets
eu-public-other = Other publicly available datasets, in general
eu-private-used = Were private datasets obtained from other third parties?
eu-private-known = Those publicly known, one a line
eu-description = Description
eu-crawling-used = Were crawlers used by the provider or on its behalf?
eu-crawler-names = Crawler names or identifiers
eu-crawler-purposes = Purposes of the crawlers
eu-crawler-behaviour = How the crawlers behave
eu-crawl-period = Period of data collection
eu-crawl-content = Type of content and online sources crawled
eu-user-model = Was data from user interactions with the model used?
eu-user-services = Was data from users of the provider's other services or products used?
eu-user-description = Services or products the user data came from
eu-synthetic-used = Was synthetic data generated by AI used?
eu-synthetic-description = The AI models used to generate it
eu-other-used = Were other sources of data used?
eu-processing = Data processing
eu-cop = Is the provider a signatory of the Code of Practice for general-purpose AI models?
eu-reservation-measures = Measures to respect reservations of rights beyond fermata

## Remuneration: fees, models, exports
col-remuneration = Remuneration
offers-remuneration-hint = How a pool-share price is divided in statements: by time used, equally between the works used, or by how much of your recordings is found in the developer’s generated outputs.
remuneration-pro-rata = Pro rata (by time used)
remuneration-equal-split = Equal split (per work used)
remuneration-attribution = Attribution (by what is found in generated outputs)
col-fees = Fees
col-pool-part = Pool part
col-term-from = Term from
col-included = Included
statement-fees = Fees under licences
statement-fee-other-currency = No: another currency
licences-renew = Renew { $id }
licences-renew-hint = Renewing asks the rights holders again for the same works, use and territories, for a term of the same length starting the day after the licence ends. Their current terms apply.
## Webhooks
nav-webhooks = Webhooks
webhooks-title = Webhooks
webhooks-hint = fermata sends a signed message to these addresses when something needs your party: new request lines, decisions, licences granted, revoked or about to end, misuse notices, statements and finished scans. The receiver checks each message with the secret shown when the endpoint is added.
col-webhook = Endpoint
field-url = Address (URL)
col-events = Events
webhook-all-events = All events
webhook-active = Active
webhook-disabled = Disabled since { $at }: the receiver answered 410 Gone
webhook-test = Send a test to { $id }
webhook-remove = Remove { $id }
webhooks-add = Add an endpoint
webhooks-events-legend = Events to send (none ticked: all of them)
webhooks-add-make = Add the endpoint
webhook-made = Endpoint { $id } added. Its signing secret, shown once:
webhooks-back = All endpoints
webhook-log-title = Delivery log of { $id }
webhook-log-hint = A message the receiver does not accept is sent again after 10 seconds, 1 minute, 5 minutes, 30 minutes, 2 hours, 6 hours and 24 hours, and then given up.
col-delivery = Delivery
col-event = Event
col-attempts = Attempts
col-next-attempt = Next attempt
col-last-answer = Last answer
webhook-replay = Send { $id } again
webhook-event-request-received = New request lines
webhook-event-request-decided = Request line decided
webhook-event-licence-granted = Licence granted
webhook-event-licence-revoked = Licence revoked
webhook-event-licence-expiring = Licence ending within 30 days
webhook-event-notice-received = Misuse notice received
webhook-event-statement-issued = Statement issued
webhook-event-scan-finished = Scan finished
webhook-event-ping = Test message
webhook-delivery-pending = Waiting to be sent
webhook-delivery-delivered = Delivered
webhook-delivery-failed = Given up

## Attribution of generated outputs, and issuing certificates (issue 15)
nav-attribution = Attribution
attribution-title = Attribution of outputs
attribution-lead = Upload audio your model generated: fermata finds the registered recordings heard in each file and records for how many milliseconds each work is heard. Statements under the attribution model pay holders by what is found.
attribution-new = Attribute outputs
attribution-date-hint = The day the report counts for in statements.
attribution-files = Output audio files
attribution-files-hint = Up to { $count } files, each at most 64 MiB, 256 MiB in all.
attribution-submit = Find registered recordings
attribution-unavailable = Attribution is not available on this server: it must be started with `fermata serve` in its home.
attribution-past = Past attribution reports
attribution-none = No attribution report yet.
attribution-outputs = Outputs
attribution-ms = Milliseconds found
attribution-no-files = Choose at least one output file.
attribution-too-many = Send at most { $count } files at once.
attribution-too-large = A file is larger than 64 MiB, or the files together are larger than 256 MiB.
attribution-report-title = Attribution report { $id }
attribution-recorded = Recorded
attribution-per-output = Works found in each output
attribution-output = Output
attribution-length-ms = Length (ms)
attribution-nothing-found = No registered recording found
attribution-totals = Totals per work
attribution-what-it-counts = Overlapping matches of the same work in one output are counted once.
attribution-back = Back to attribution
cert-issue-button = Issue certificate
cert-issue-hint = Signed by this registry when every work of the model's cleared manifests was licensed or allowed on each training date.
cert-issue-unavailable = Certificates cannot be issued on this server: it must be started with `fermata serve` in its home.
cert-issue-no-manifest = The model has no cleared manifest yet: build one from each finished scan first.
cert-issue-no-usage = The model has no usage report: the training dates are those of its usage reports.
cert-refused-title = No certificate for { $model }
cert-refused-lead = { $count ->
    [one] One work lacks a licence or a policy that allowed it on a training date:
   *[other] { $count } works lack a licence or a policy that allowed them on a training date:
}
cert-refused-why = Why
cert-refused-fix = Request the missing licences (or ask the holders to change their policies), then issue again.
cert-refused-back = Back to the model
