# El correo de fermata, español. Cada mensaje existe en todas las lenguas.

mail-footer = Recibe este correo porque tiene una cuenta en fermata. Para dejar de recibirlos, desactívelos en la página de su cuenta: { $account }

mail-request-received-subject = Nueva solicitud de licencia { $request } de { $developer }
mail-request-received-body =
    { $developer } solicita licencias para usar sus grabaciones para { $use } (modelo { $model }).
    La solicitud { $request } tiene { $lines } línea(s) que debe decidir.

    Apruébelas o rechácelas aquí: { $link }

mail-request-decided-subject = Solicitud { $request }: la línea { $line } fue { $status ->
        [approved] aprobada
        [refused] rechazada
       *[other] decidida
    }
mail-request-decided-body =
    { $holder } { $status ->
        [approved] aprobó
        [refused] rechazó
       *[other] decidió
    } la línea { $line } ({ $isrc }) de su solicitud { $request } para el modelo { $model }.

    Vea sus solicitudes: { $link }

mail-licence-granted-subject = Licencia { $licence } concedida
mail-licence-granted-body =
    Se concedió la licencia { $licence }: { $holder } otorga licencia a { $developer } para { $use } ({ $works } obra(s)).

    Vea sus licencias: { $link }

mail-licence-revoked-subject = Licencia { $licence } revocada
mail-licence-revoked-body =
    La licencia { $licence } ({ $holder } a { $developer }, { $use }) fue revocada. Las obras que cubría ya no pueden usarse con ella.

    Vea sus licencias: { $link }

mail-licence-expiring-subject = La licencia { $licence } termina en { $days } día(s)
mail-licence-expiring-body =
    La licencia { $licence } ({ $holder } a { $developer }, { $use }) termina el { $valid_to }, dentro de { $days } día(s).

    Renuévela o déjela terminar: { $link }

mail-notice-received-subject = Un aviso de uso indebido concierne a sus grabaciones ({ $notice })
mail-notice-received-body =
    Se presentó el aviso de uso indebido { $notice } ({ $kind }) sobre grabaciones de las que es titular.

    Léalo y actúe: { $link }

mail-statement-issued-subject = Liquidación { $statement } emitida
mail-statement-issued-body =
    Se emitió la liquidación { $statement } del { $from } al { $to }.

    Vea lo que dice: { $link }

mail-scan-finished-subject = Análisis { $scan } terminado
mail-scan-finished-body =
    El análisis de autorización { $scan } del modelo { $model } terminó: { $files } archivo(s), { $works } obra(s) registrada(s) encontrada(s).

    Vea los resultados: { $link }

mail-test-subject = Correo de prueba de fermata
mail-test-body =
    Este es un correo de prueba de fermata. Si puede leerlo, fermata puede enviarle correo.

    fermata: { $link }

mail-reset-subject = Restablezca su contraseña de fermata
mail-reset-body =
    Alguien (esperamos que usted) pidió restablecer la contraseña de su cuenta de fermata.

    Elija una contraseña nueva aquí: { $link }

    El enlace funciona una vez y durante { $hours } hora(s). Si no lo pidió, ignore este correo: su contraseña no cambia.
