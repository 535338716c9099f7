# fermata's e-mail, English. Every message here exists in every locale.

mail-footer = You get this e-mail because you have an account on fermata. To stop these e-mails, turn them off on your account page: { $account }

mail-request-received-subject = New licence request { $request } from { $developer }
mail-request-received-body =
    { $developer } asks for licences to use your recordings for { $use } (model { $model }).
    Request { $request } has { $lines } line(s) for you to decide.

    Approve or refuse them here: { $link }

mail-request-decided-subject = Request { $request }: line { $line } was { $status ->
        [approved] approved
        [refused] refused
       *[other] decided
    }
mail-request-decided-body =
    { $holder } { $status ->
        [approved] approved
        [refused] refused
       *[other] decided
    } line { $line } ({ $isrc }) of your request { $request } for model { $model }.

    See your requests: { $link }

mail-licence-granted-subject = Licence { $licence } granted
mail-licence-granted-body =
    Licence { $licence } was granted: { $holder } licenses { $developer } for { $use } ({ $works } work(s)).

    See your licences: { $link }

mail-licence-revoked-subject = Licence { $licence } revoked
mail-licence-revoked-body =
    Licence { $licence } ({ $holder } to { $developer }, { $use }) was revoked. The works it covered may no longer be used under it.

    See your licences: { $link }

mail-licence-expiring-subject = Licence { $licence } ends in { $days } day(s)
mail-licence-expiring-body =
    Licence { $licence } ({ $holder } to { $developer }, { $use }) ends on { $valid_to }, in { $days } day(s).

    Renew it or let it end: { $link }

mail-notice-received-subject = A misuse notice concerns your recordings ({ $notice })
mail-notice-received-body =
    Misuse notice { $notice } ({ $kind }) was filed about recordings you hold.

    Read it and act on it: { $link }

mail-statement-issued-subject = Statement { $statement } issued
mail-statement-issued-body =
    Statement { $statement } for { $from } to { $to } was issued.

    See what it says: { $link }

mail-scan-finished-subject = Scan { $scan } finished
mail-scan-finished-body =
    The clearance scan { $scan } of model { $model } finished: { $files } file(s), { $works } registered work(s) found.

    See the results: { $link }

mail-test-subject = fermata test e-mail
mail-test-body =
    This is a test e-mail from fermata. If you can read it, fermata can send you e-mail.

    fermata: { $link }

mail-reset-subject = Reset your fermata password
mail-reset-body =
    Someone (hopefully you) asked to reset the password of your fermata account.

    Set a new password here: { $link }

    The link works once and for { $hours } hour(s). If you did not ask for it, ignore this e-mail: your password stays as it is.
