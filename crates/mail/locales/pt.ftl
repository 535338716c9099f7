# O e-mail do fermata, português. Cada mensagem existe em todas as línguas.

mail-footer = Recebe este e-mail porque tem uma conta no fermata. Para deixar de os receber, desative-os na página da sua conta: { $account }

mail-request-received-subject = Novo pedido de licença { $request } de { $developer }
mail-request-received-body =
    { $developer } pede licenças para usar as suas gravações para { $use } (modelo { $model }).
    O pedido { $request } tem { $lines } linha(s) para decidir.

    Aprove-as ou recuse-as aqui: { $link }

mail-request-decided-subject = Pedido { $request }: a linha { $line } foi { $status ->
        [approved] aprovada
        [refused] recusada
       *[other] decidida
    }
mail-request-decided-body =
    { $holder } { $status ->
        [approved] aprovou
        [refused] recusou
       *[other] decidiu
    } a linha { $line } ({ $isrc }) do seu pedido { $request } para o modelo { $model }.

    Veja os seus pedidos: { $link }

mail-licence-granted-subject = Licença { $licence } concedida
mail-licence-granted-body =
    A licença { $licence } foi concedida: { $holder } licencia { $developer } para { $use } ({ $works } obra(s)).

    Veja as suas licenças: { $link }

mail-licence-revoked-subject = Licença { $licence } revogada
mail-licence-revoked-body =
    A licença { $licence } ({ $holder } para { $developer }, { $use }) foi revogada. As obras que cobria já não podem ser usadas ao abrigo dela.

    Veja as suas licenças: { $link }

mail-licence-expiring-subject = A licença { $licence } termina em { $days } dia(s)
mail-licence-expiring-body =
    A licença { $licence } ({ $holder } para { $developer }, { $use }) termina a { $valid_to }, dentro de { $days } dia(s).

    Renove-a ou deixe-a terminar: { $link }

mail-notice-received-subject = Uma denúncia de uso indevido diz respeito às suas gravações ({ $notice })
mail-notice-received-body =
    Foi apresentada a denúncia de uso indevido { $notice } ({ $kind }) sobre gravações de que é titular.

    Leia-a e aja: { $link }

mail-statement-issued-subject = Extrato { $statement } emitido
mail-statement-issued-body =
    Foi emitido o extrato { $statement } de { $from } a { $to }.

    Veja o que diz: { $link }

mail-scan-finished-subject = Análise { $scan } concluída
mail-scan-finished-body =
    A análise de autorização { $scan } do modelo { $model } terminou: { $files } ficheiro(s), { $works } obra(s) registada(s) encontrada(s).

    Veja os resultados: { $link }

mail-test-subject = E-mail de teste do fermata
mail-test-body =
    Este é um e-mail de teste do fermata. Se o consegue ler, o fermata consegue enviar-lhe e-mail.

    fermata: { $link }

mail-reset-subject = Redefina a sua palavra-passe do fermata
mail-reset-body =
    Alguém (esperamos que tenha sido você) pediu para redefinir a palavra-passe da sua conta fermata.

    Defina uma nova palavra-passe aqui: { $link }

    A ligação funciona uma vez e durante { $hours } hora(s). Se não a pediu, ignore este e-mail: a sua palavra-passe fica como está.
