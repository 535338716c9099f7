# fermata 이메일, 한국어. 모든 메시지는 모든 언어에 있습니다.

mail-footer = fermata 계정이 있어 이 이메일을 받으셨습니다. 이메일을 그만 받으려면 계정 페이지에서 끄세요: { $account }

mail-request-received-subject = { $developer }의 새 라이선스 요청 { $request }
mail-request-received-body =
    { $developer }이(가) 귀하의 녹음을 { $use } 용도로 사용하기 위한 라이선스를 요청합니다 (모델 { $model }).
    요청 { $request }에 결정하실 항목이 { $lines }개 있습니다.

    여기에서 승인하거나 거절하세요: { $link }

mail-request-decided-subject = 요청 { $request }: { $line }번 항목이 { $status ->
        [approved] 승인되었습니다
        [refused] 거절되었습니다
       *[other] 결정되었습니다
    }
mail-request-decided-body =
    { $holder }이(가) 모델 { $model }에 대한 요청 { $request }의 { $line }번 항목({ $isrc })을 { $status ->
        [approved] 승인했습니다
        [refused] 거절했습니다
       *[other] 결정했습니다
    }.

    요청 보기: { $link }

mail-licence-granted-subject = 라이선스 { $licence } 부여됨
mail-licence-granted-body =
    라이선스 { $licence }이(가) 부여되었습니다: { $holder }이(가) { $developer }에게 { $use } 용도로 라이선스를 부여합니다 (저작물 { $works }건).

    라이선스 보기: { $link }

mail-licence-revoked-subject = 라이선스 { $licence } 철회됨
mail-licence-revoked-body =
    라이선스 { $licence }({ $holder } → { $developer }, { $use })이(가) 철회되었습니다. 이 라이선스가 다루던 저작물은 더 이상 이 라이선스로 사용할 수 없습니다.

    라이선스 보기: { $link }

mail-licence-expiring-subject = 라이선스 { $licence }이(가) { $days }일 후 종료됩니다
mail-licence-expiring-body =
    라이선스 { $licence }({ $holder } → { $developer }, { $use })은(는) { $valid_to }에, { $days }일 후 종료됩니다.

    갱신하거나 종료되게 두세요: { $link }

mail-notice-received-subject = 귀하의 녹음에 관한 오용 신고가 있습니다 ({ $notice })
mail-notice-received-body =
    귀하가 권리를 가진 녹음에 관해 오용 신고 { $notice }({ $kind })이(가) 접수되었습니다.

    읽고 조치하세요: { $link }

mail-statement-issued-subject = 정산서 { $statement } 발행됨
mail-statement-issued-body =
    { $from }부터 { $to }까지의 정산서 { $statement }이(가) 발행되었습니다.

    내용 보기: { $link }

mail-scan-finished-subject = 검사 { $scan } 완료
mail-scan-finished-body =
    모델 { $model }의 권리 확인 검사 { $scan }이(가) 끝났습니다: 파일 { $files }개, 등록된 저작물 { $works }건 발견.

    결과 보기: { $link }

mail-test-subject = fermata 테스트 이메일
mail-test-body =
    fermata에서 보낸 테스트 이메일입니다. 이 메일을 읽을 수 있다면 fermata가 이메일을 보낼 수 있습니다.

    fermata: { $link }

mail-reset-subject = fermata 비밀번호 재설정
mail-reset-body =
    누군가(귀하이기를 바랍니다) fermata 계정의 비밀번호 재설정을 요청했습니다.

    여기에서 새 비밀번호를 설정하세요: { $link }

    이 링크는 한 번, { $hours }시간 동안만 작동합니다. 요청하지 않으셨다면 이 이메일을 무시하세요: 비밀번호는 그대로입니다.
