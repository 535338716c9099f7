# Le courrier de fermata, français. Chaque message existe dans toutes les langues.

mail-footer = Vous recevez ce courriel parce que vous avez un compte sur fermata. Pour ne plus les recevoir, désactivez-les sur la page de votre compte : { $account }

mail-request-received-subject = Nouvelle demande de licence { $request } de { $developer }
mail-request-received-body =
    { $developer } demande des licences pour utiliser vos enregistrements pour { $use } (modèle { $model }).
    La demande { $request } comporte { $lines } ligne(s) à décider.

    Approuvez-les ou refusez-les ici : { $link }

mail-request-decided-subject = Demande { $request } : la ligne { $line } a été { $status ->
        [approved] approuvée
        [refused] refusée
       *[other] décidée
    }
mail-request-decided-body =
    { $holder } a { $status ->
        [approved] approuvé
        [refused] refusé
       *[other] décidé
    } la ligne { $line } ({ $isrc }) de votre demande { $request } pour le modèle { $model }.

    Voir vos demandes : { $link }

mail-licence-granted-subject = Licence { $licence } accordée
mail-licence-granted-body =
    La licence { $licence } a été accordée : { $holder } concède à { $developer } une licence pour { $use } ({ $works } œuvre(s)).

    Voir vos licences : { $link }

mail-licence-revoked-subject = Licence { $licence } révoquée
mail-licence-revoked-body =
    La licence { $licence } ({ $holder } à { $developer }, { $use }) a été révoquée. Les œuvres qu'elle couvrait ne peuvent plus être utilisées à ce titre.

    Voir vos licences : { $link }

mail-licence-expiring-subject = La licence { $licence } prend fin dans { $days } jour(s)
mail-licence-expiring-body =
    La licence { $licence } ({ $holder } à { $developer }, { $use }) prend fin le { $valid_to }, dans { $days } jour(s).

    Renouvelez-la ou laissez-la prendre fin : { $link }

mail-notice-received-subject = Un signalement d'abus concerne vos enregistrements ({ $notice })
mail-notice-received-body =
    Le signalement d'abus { $notice } ({ $kind }) a été déposé au sujet d'enregistrements dont vous êtes titulaire.

    Lisez-le et donnez-y suite : { $link }

mail-statement-issued-subject = Relevé { $statement } émis
mail-statement-issued-body =
    Le relevé { $statement } du { $from } au { $to } a été émis.

    Voir ce qu'il contient : { $link }

mail-scan-finished-subject = Analyse { $scan } terminée
mail-scan-finished-body =
    L'analyse d'autorisation { $scan } du modèle { $model } est terminée : { $files } fichier(s), { $works } œuvre(s) enregistrée(s) trouvée(s).

    Voir les résultats : { $link }

mail-test-subject = Courriel de test de fermata
mail-test-body =
    Ceci est un courriel de test de fermata. Si vous pouvez le lire, fermata peut vous écrire.

    fermata : { $link }

mail-reset-subject = Réinitialisez votre mot de passe fermata
mail-reset-body =
    Quelqu'un (vous, espérons-le) a demandé à réinitialiser le mot de passe de votre compte fermata.

    Choisissez un nouveau mot de passe ici : { $link }

    Le lien fonctionne une seule fois, pendant { $hours } heure(s). Si vous n'avez rien demandé, ignorez ce courriel : votre mot de passe ne change pas.
