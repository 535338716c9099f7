# Application web de fermata — français.
# Les termes suivent docs/glossary.md.

## Cadre
skip-to-content = Aller au contenu
nav-label = Menu principal
nav-home = Accueil
nav-dashboard = Tableau de bord
nav-works = Catalogue
nav-policies = Politiques
nav-requests = Demandes
nav-licences = Licences
nav-statements = Relevés
nav-reservations = Réserves de droits
nav-notices = Signalements d’abus
nav-team = Équipe et clés
nav-scans = Analyses
nav-manifests = Manifestes
nav-proof = Vérifier une preuve
nav-transparency = Transparence
nav-misuse = Signaler un abus
sign-in = Se connecter
sign-out = Se déconnecter
language = Langue
language-change = Changer
footer-tagline = fermata : l’autorisation d’abord, en toute transparence et rapidement.

## Rôles
role-holder-admin = Titulaire de droits (administration)
role-holder-viewer = Titulaire de droits (lecture seule)
role-developer = Développeur d’IA
role-auditor = Auditeur
role-public = Visiteur

## Erreurs
error-explain = Rien n’a été modifié.
error-detail = Détails :
error-home = Retour à la page d’accueil
error-sign-in = Veuillez vous connecter
error-forbidden = Votre rôle ne permet pas cette action
error-not-found = Introuvable
error-csrf = Ce formulaire a expiré
error-bad-form = Ce formulaire n’a pas pu être lu
error-invalid = Cette action n’a pas pu être effectuée
error-conflict = Cette action a déjà été effectuée, ou la situation a changé
error-too-many = Trop de tentatives ; veuillez patienter, puis réessayer
error-internal = Une erreur s’est produite de notre côté

## Accueil
home-title = La musique et l’IA, avec autorisation
home-lead = fermata permet aux titulaires de droits de dire oui ou non à chaque utilisation de leurs enregistrements par l’IA, aux développeurs d’IA de libérer les droits de leurs données d’entraînement, et à chacun de vérifier ce qui a été utilisé.
home-holders = Titulaires de droits
home-holders-text = Maisons de disques, éditeurs, artistes et sociétés de gestion collective : déclarez vos œuvres, fixez vos conditions (par défaut, la réponse est non), statuez sur les demandes de licence et recevez vos relevés.
home-developers = Développeurs d’IA
home-developers-text = Analysez un jeu de données d’entraînement, repérez les enregistrements qui nécessitent une licence, demandez-les en une seule fois et publiez un manifeste vérifiable.
home-public = Pour tous
home-public-text = Vérifiez la preuve qu’un enregistrement a été utilisé ou non, découvrez sur quoi un modèle a été entraîné, ou signalez l’utilisation abusive de l’œuvre ou de la voix d’un artiste.

## Connexion et compte
sign-in-title = Connexion
sign-in-failed = L’adresse électronique ou le mot de passe est incorrect.
sign-in-too-many = Trop de tentatives. Veuillez patienter 15 minutes, puis réessayer.
sign-in-forgot-link = Mot de passe oublié ?
forgot-title = Réinitialiser le mot de passe
forgot-lead = Indiquez l'adresse électronique de votre compte. Si un compte l'a, nous lui envoyons un lien pour choisir un nouveau mot de passe.
forgot-send = Envoyer le lien
forgot-sent = Si un compte a cette adresse, un lien pour choisir un nouveau mot de passe est en route. Il fonctionne une fois, pendant une heure. Regardez dans vos indésirables s'il n'arrive pas.
forgot-no-mail = Ce registre n'envoie pas de courriel. Demandez un lien de réinitialisation à son opérateur : il le crée avec la commande fermata user reset et votre adresse.
forgot-too-many = Trop de demandes. Attendez une heure, puis réessayez.
account-mail = Notifications par courriel
account-mail-on = Vous recevez un courriel quand quelque chose vous attend, vous ou votre partie : nouvelles demandes de licence, décisions, licences accordées, révoquées ou bientôt échues, signalements d'abus, relevés et analyses terminées.
account-mail-off = Les notifications par courriel sont désactivées : vous n'en recevez aucune.
account-mail-turn-off = Désactiver les courriels
account-mail-turn-on = Activer les courriels
field-email = Adresse électronique
field-password = Mot de passe
field-password-current = Mot de passe actuel
field-password-new = Nouveau mot de passe
field-password-repeat = Confirmer le nouveau mot de passe
field-name = Nom
field-party = Organisation
field-role = Rôle
field-registrant = Déclarant
account-title = Votre compte
password-change = Changer le mot de passe
password-change-ends-sessions = Changer votre mot de passe vous déconnecte sur tous vos appareils.
password-rule = Au moins { $min } caractères. Quelques mots sans rapport entre eux font un bon mot de passe.
password-mismatch = Les deux nouveaux mots de passe ne sont pas identiques.
invite-title = Rejoindre fermata
invite-lead = Vous avez reçu une invitation à rejoindre { $party } avec le rôle { $role }.
invite-accept = Créer mon compte
reset-title = Choisir un nouveau mot de passe
reset-lead = Choisissez un nouveau mot de passe pour { $email }.
reset-save = Enregistrer le nouveau mot de passe

## Tableaux de bord
dashboard-title = Tableau de bord
stat-works = œuvres déclarées
stat-pending-lines = lignes de demande en attente de votre décision
stat-active-licences = licences actives
stat-money-year = à percevoir cette année
stat-scans = analyses
stat-waiting-lines = lignes de demande en attente des titulaires
stat-manifests = manifestes
dashboard-scans-found = Dernières analyses ayant trouvé vos œuvres
dashboard-no-scans = Aucune analyse n’a encore trouvé vos œuvres.
dashboard-latest-scans = Dernières analyses

## Colonnes des tableaux
col-action = Action
col-amount = Montant
col-answer = Réponse
col-artist = Artiste
col-created = Création
col-dataset = Jeu de données
col-decided-by = Décidé par
col-developer = Développeur
col-download = Téléchargement
col-duration = Durée
col-entries = Entrées
col-expires = Expiration
col-file = Fichier
col-files = Fichiers
col-files-with-your-works = Fichiers contenant vos œuvres
col-finished = Fin
col-from = Début
col-holder = Titulaire de droits
col-holders = Titulaires de droits
col-hours = Heures
col-issued = Émission
col-key = Clé
col-licence = Licence
col-manifest = Manifeste
col-model = Modèle
col-period = Période
col-price = Prix
col-received = Réception
col-request = Demande
col-revoked = Révocation
col-root = Racine publiée
col-scan = Analyse
col-share = Quote-part
col-since = Depuis
col-started = Début
col-statement = Relevé
col-status = Statut
col-term = Durée
col-territories = Territoires
col-territory = Territoire
col-title = Titre
col-to = Fin
col-use = Utilisation
col-verdict = Résultat
col-what = Événement
col-when = Date
col-where = Position dans le fichier
col-who = Auteur
col-match = Correspondance (score, hasard, où)
col-why = Motif
col-work = Œuvre
col-works = Œuvres
none = Rien pour l’instant.
download = Télécharger
search = Rechercher
pager-label = Pages
pager-prev = Précédente
pager-next = Suivante
pager-position = Page { $page } sur { $pages }

## Utilisations, réponses, résultats, statuts
use-train-genai = Entraînement d’IA générative
use-train-ai = Entraînement d’autres types d’IA
use-tdm-research = Fouille de textes et de données à des fins de recherche
use-voice-likeness = Voix ou image
use-inference-input = Entrée au moment de la génération
decision-deny = Non
decision-deny-default = Non (rien de défini)
decision-licence-required = Licence requise
decision-allow = Oui
verdict-cleared = Autorisé
verdict-licence-required = Licence requise
verdict-denied = Refusé
verdict-unidentified = Non identifié
verdict-error = Illisible
licence-active = Active
licence-scheduled = Pas encore en vigueur
licence-expired = Expirée
licence-revoked = Révoquée
line-pending = En attente
line-approved = Approuvée
line-refused = Refusée
price-per-work = par œuvre
price-per-hour = par heure d’audio
price-pool-share = part d’un fonds commun
territory-world = Monde entier
term-months = { $months ->
    [one] { $months } mois
   *[other] { $months } mois
}
term-from = à partir du { $from }
term-hint = En mois ; laissez vide pour une durée illimitée.
territories-hint = Codes pays séparés par des virgules (p. ex. DE, FR) ; vide signifie monde entier.

## Catalogue et œuvres
works-title = Catalogue
works-search = Rechercher par titre, artiste ou ISRC
works-count = { $count ->
    [one] { $count } œuvre
   *[other] { $count } œuvres
}
work-credits = Crédits
work-shares = Quotes-parts par territoire
work-answers = Ce que cette œuvre répond aujourd’hui
work-answers-hint = La même règle s’applique ici, dans les analyses et dans l’API : une utilisation n’est autorisée que si chaque titulaire d’une quote-part dit oui ou a accordé une licence pour celle-ci.
work-licences = Licences
work-history = Historique

## Politiques
policies-title = Politiques
policies-lead = Ce que vous répondez à chaque utilisation de l’ensemble de votre catalogue. Si rien n’est défini, la réponse est non.
policies-exceptions = Exceptions pour des œuvres précises
policies-set = Définir une politique
policies-isrc = ISRC (facultatif)
policies-isrc-hint = Laissez vide pour l’ensemble du catalogue.
policies-save = Enregistrer la politique
price-model = Modèle de tarification
price-amount = Montant
price-currency = Devise

## Demandes
requests-title = Demandes de licence
requests-pending = En attente de décision
requests-none-pending = Aucune ligne de demande en attente.
requests-decided = Traitées
requests-select = Sélectionner
requests-select-all = Sélectionner toutes les lignes
requests-select-line = Sélectionner la demande { $request }, œuvre { $work }
requests-reason = Motif (visible par le développeur)
requests-approve = Approuver la sélection
requests-refuse = Refuser la sélection
requests-none-selected = Sélectionnez au moins une ligne.
requests-more = Seules les 2 000 lignes les plus récentes sont affichées.

## Licences et relevés
licences-title = Licences
licences-revoke = Révoquer
licences-revoke-reason = Motif de la révocation
licence-all-works = Toutes les œuvres
licence-n-works = { $count ->
    [one] { $count } œuvre
   *[other] { $count } œuvres
}
statements-title = Relevés
statement-title = Relevé { $id }
statement-pool = Fonds commun
statement-totals = Totaux par titulaire de droits
statement-lines = Lignes

## Réserves de droits
reservations-title = Réserves de droits
reservations-lead = Ces fichiers indiquent aux robots d’exploration et aux développeurs d’IA les droits que vous vous réservez, dans les formats normalisés (TDMRep et préférences d’IA). Publiez-les sur votre site web.
reservations-location = Chemin de votre site web concerné
reservations-update = Mettre à jour
reservations-headers = En-têtes HTTP
reservations-public = Consultables par tous à l’adresse
reservations-meta = Éléments <meta> HTML
reservations-meta-lead = Placez-les dans le <head> de chaque page web consacrée à votre musique (TDMRep). Les pages disent alors la même chose que les fichiers ci-dessus.
public-reservations-title = Réserves de droits de { $party }
public-reservations-lead = Les droits que { $party } se réserve à l’égard des utilisations par l’IA, tels que publiés avec fermata.

## Analyses et manifestes
scans-title = Analyses
scans-how = Les analyses s’exécutent là où se trouvent les données : `fermata scan DATASET --model MODEL --use USE --territory XX`. Elles apparaissent ici dès qu’elles sont terminées.
scans-none = Aucune analyse pour l’instant.
scan-match = score { $score }, hasard { $chance }
scan-title = Analyse { $id }
scan-running = En cours
scan-filter = Afficher les fichiers par résultat
scan-all-files = Tous les fichiers
scan-file-pending = En attente de décision
scan-request-lead = { $count ->
    [one] { $count } fichier nécessite une licence.
   *[other] { $count } fichiers nécessitent une licence.
}
scan-request-all = Demander une licence pour chaque œuvre qui en requiert une
manifests-title = Manifestes
manifests-none = Aucun manifeste pour l’instant.
manifests-proof = Preuve

## Équipe
team-title = Équipe et clés d’API
team-people = Membres
team-invite = Inviter quelqu’un
team-invite-make = Créer un lien d’invitation
team-keys = Clés d’API
team-keys-hint = Les logiciels utilisent des clés d’API ; les personnes se connectent ici.
team-key-make = Créer une clé d’API
team-key-revoke = Révoquer { $id }
invite-made = Lien d’invitation, affiché une seule fois. Envoyez-le à la personne ; il ne sert qu’une fois, pendant 7 jours.
key-made = Clé d’API { $id }, affichée une seule fois. Conservez-la dans le coffre-fort à secrets de votre logiciel.
shown-once-hint = Cette information ne sera plus affichée.
invite-open = Pas encore utilisée
invite-used = Utilisée le { $at }

## Vérificateur de preuves
proof-title = Vérifier une preuve
proof-lead = Un développeur publie une racine pour chaque manifeste d’entraînement. Une preuve montre qu’un enregistrement figure, ou ne figure pas, dans ce manifeste. Votre navigateur la vérifie lui-même : rien n’est envoyé à fermata.
proof-needs-js = Ce vérificateur fonctionne dans votre navigateur et nécessite JavaScript.
proof-file = Fichier de preuve
proof-text = Ou collez la preuve
proof-root = Racine publiée
proof-root-hint = 64 caractères hexadécimaux, tels que le développeur les a publiés.
proof-work = ISRC attendu (facultatif)
proof-check = Vérifier
proof-busy = Vérification…
proof-included = Valide : { $isrc } figure dans le manifeste { $manifest } de { $developer } pour le modèle { $model }.
proof-not-included = Valide : { $isrc } ne figure pas dans le manifeste { $manifest } de { $developer } pour le modèle { $model }.
proof-malformed = Non valide : ce n’est pas une preuve fermata.
proof-version = Non valide : ce vérificateur ne prend pas en charge la version de cette preuve.
proof-invalid = Non valide : la preuve ne mène pas à la racine publiée. Elle a peut-être été modifiée.
proof-wrong-work = Non valide : la preuve porte sur un autre enregistrement que { $isrc }.
proof-wrong-root = Non valide : cette racine n’est pas celle pour laquelle la preuve a été établie, ou ce n’est pas une racine.
proof-privacy = La preuve est vérifiée par les fonctions cryptographiques de votre navigateur (SHA-256). Cette page ne l’envoie dans aucune requête.

## Transparence
transparency-title = Transparence
transparency-lead = Modèles dont les développeurs ont publié avec fermata un manifeste d’entraînement autorisé.
transparency-none = Aucun manifeste n’a encore été publié.
model-title = Modèle { $model }
model-scans = Analyses
model-files = Fichiers de la dernière analyse, par résultat
model-check-proof = Vérifier une preuve avec cette racine
model-what-it-proves = La racine scelle cryptographiquement chaque fichier autorisé de l’analyse. Elle prouve ce que le manifeste énumère ; elle ne peut pas prouver qu’aucune autre donnée n’a été utilisée.
col-certificate = Certificat
cert-heading = Certificats d’entraînement licite
cert-none = Aucun certificat n’a été délivré pour ce modèle.
cert-training-dates = Dates d’entraînement
cert-status-valid = Valide
cert-status-invalid = Non valide
cert-download = Télécharger (JWS)
cert-key-link = La clé publique de l’émetteur (PEM)
cert-verify-link = Vérifier un certificat
cert-what-it-proves = Un certificat est la déclaration signée de ce registre : au moment de sa délivrance, ses données montraient chaque œuvre des manifestes autorisés du modèle sous licence ou permise à chaque date d’entraînement déclarée. Il ne peut pas prouver qu’aucune autre donnée n’a été utilisée, ni que les rapports d’utilisation sont complets.
cert-verify-title = Vérifier un certificat
cert-verify-lead = Collez un certificat d’entraînement licite (un JWS). Il est vérifié ici avec les clés publiées par ce registre ; vous pouvez aussi le vérifier hors ligne avec la clé publique de l’émetteur.
cert-verify-field = Certificat (JWS)
cert-verify-submit = Vérifier
cert-valid = Valide : signé avec la clé { $kid } de ce registre.
cert-invalid = Non valide : ce n’est pas un certificat signé avec une clé de ce registre, ou il a été modifié.
cert-issuer = Émetteur
cert-licences = Licences
cert-policies = Politiques qui permettaient l’utilisation
cert-usage-reports = Rapports d’utilisation

## Abus
misuse-title = Signaler un abus
misuse-lead = Vous avez trouvé un morceau généré qui copie un enregistrement, ou une voix qui imite un artiste ? Prévenez les titulaires de droits. Si vous joignez le fichier, fermata vérifie quels enregistrements déclarés il contient.
misuse-kind = De quoi s’agit-il ?
notice-kind-generated-track = Un morceau généré qui copie un enregistrement
notice-kind-voice-imitation = Une voix qui imite un artiste
notice-kind-other = Autre chose
misuse-subject = Artiste ou œuvre concernés
misuse-holder = Maison de disques, éditeur ou artiste concerné
misuse-holder-unknown = Je ne sais pas
misuse-isrc = ISRC de l’enregistrement (facultatif)
misuse-link = Lien
misuse-file = Le fichier
misuse-file-hint = Audio ou vidéo, { $mb } MB au maximum.
misuse-details = Quel est le problème
misuse-email = Votre adresse électronique (facultatif, pour recevoir une réponse)
misuse-send = Envoyer le signalement
misuse-filed-title = Merci
misuse-filed-lead = Votre signalement { $id } a été envoyé à : { $holders }.
misuse-found = Enregistrements déclarés trouvés dans le fichier
misuse-found-none = Aucun enregistrement déclaré n’a été trouvé dans le fichier.
notices-title = Signalements d’abus
notices-none = Aucun signalement pour l’instant.
notices-move-to = Passer à l’état
notices-note = Note ou suite donnée
notices-save = Enregistrer
notice-state-received = Reçu
notice-state-acknowledged = Pris en compte
notice-state-forwarded = Transmis
notice-state-closed = Clos

## Importation
nav-import = Importer
import-title = Importer un catalogue
import-lead = Envoyez votre catalogue (CSV ou DDEX ERN 4) avec l’audio de ses enregistrements. Rien n’est déclaré tant que le fichier n’est pas entièrement correct ; sinon, chaque problème vous est indiqué avec sa ligne.
import-unavailable = Pour importer depuis le navigateur, le serveur doit connaître son répertoire fermata (c’est le cas s’il a été lancé avec fermata serve).
import-no-catalogue = Choisissez le fichier du catalogue.
import-catalogue = Fichier du catalogue (CSV ou DDEX XML)
import-catalogue-hint = Le fichier indique l’audio de chaque enregistrement par un chemin relatif à un même dossier.
import-audio = Fichiers audio, ou un zip
import-audio-hint = Choisissez tous les fichiers audio mentionnés dans le catalogue, ou un zip qui les contient.
import-start = Importer
import-checking = Vérification du catalogue…
import-progress = Calcul des empreintes audio : { $done } sur { $of } fichiers.
import-failed-files = { $count ->
    [one] { $count } fichier n’a pas pu être lu
   *[other] { $count } fichiers n’ont pas pu être lus
}
import-refresh = Cette page s’actualise d’elle-même.
import-failed = L’importation a échoué :
import-rejected = Rien n’a été déclaré : le catalogue présente les problèmes suivants.
import-again = Réessayer
import-done = Le catalogue a été importé.
import-records = Entrées du fichier
import-added = Nouvelles œuvres
import-updated = Œuvres mises à jour
import-unchanged = Œuvres inchangées
import-conflicts = Œuvres déclarées par un autre titulaire
import-awaiting = Modifications de quotes-parts en attente des autres titulaires
import-tracks = Enregistrements dotés d’une empreinte audio
import-hours = Heures d’audio
import-notes = Remarques
col-line = Ligne
col-field = Champ

## Inscription et opérateur
nav-sign-up = S’inscrire
nav-operator = Opérateur
role-operator = Opérateur du registre
kind-label = Maison de disques
kind-publisher = Éditeur
kind-artist = Artiste
kind-society = Société de gestion collective
kind-developer = Développeur d’IA
kind-auditor = Auditeur
kind-operator = Opérateur du registre
sign-up-title = Rejoindre fermata
sign-up-lead = Les maisons de disques, éditeurs, artistes, sociétés de gestion collective et développeurs d’IA peuvent s’inscrire. L’opérateur du registre vérifie chaque demande avant l’ouverture du compte.
sign-up-kind = Vous êtes
sign-up-party-id = Nom court de votre organisation
sign-up-party-id-hint = Lettres minuscules, chiffres et traits d’union (p. ex. indie-records). Il apparaît dans les entrées du registre et ne pourra pas être modifié.
sign-up-about = À propos de vous
sign-up-about-hint = Un site web, la taille de votre catalogue ou le numéro d’immatriculation de votre société de gestion collective : tout ce qui aide l’opérateur à vérifier qui vous êtes.
sign-up-send = Demander l’inscription
sign-up-received-title = Demande reçue
sign-up-received = Merci. L’opérateur va examiner votre demande ; une fois celle-ci approuvée, vous pourrez vous connecter avec l’adresse { $email }.
operator-title = Opérateur
operator-pending = Demandes d’inscription
operator-decided = Demandes traitées
operator-reason = Motif (en cas de refus)
operator-approve = Approuver
operator-refuse = Refuser
operator-parties = Organisations
signup-pending = En attente
signup-approved = Approuvée
signup-refused = Refusée

## Offres
nav-offers = Offres
offers-title = Offres
offers-lead = Une offre permanente publie vos conditions pour un usage. Les demandes qui s’y rattachent arrivent dans votre boîte de réception, ou sont approuvées aussitôt si vous le décidez.
col-offer = Offre
offers-auto = Approbation immédiate
offers-auto-hint = Approuver aussitôt les demandes faites au titre de cette offre
offers-publish = Publier une offre
offers-works-hint = Codes ISRC séparés par des virgules ; laissez vide pour tout votre catalogue.
offers-withdraw = Retirer { $id }
offers-withdrawn = Retirée le { $at }
yes = Oui
no = Non

## Usage and EU summary
nav-usage = Utilisation
nav-eu-summary = Résumé UE
col-report = Déclaration
col-run = Session d’entraînement
col-cleared-by = Autorisé par
col-date = Date
usage-title = Déclarations d’utilisation
usage-lead = Déclarez ce que chaque session d’entraînement a utilisé : les œuvres et les secondes de chacune. Seules les œuvres autorisées pour vous, pour cet usage, ce territoire et ce jour peuvent être déclarées ; sinon rien n’est enregistré et la tentative est consignée au journal d’audit.
usage-none = Aucune utilisation déclarée pour l’instant.
usage-report = Déclarer une utilisation
usage-no-scan = Aucune analyse
usage-scan-hint = L’analyse terminée qui a autorisé les données (facultatif).
usage-no-manifest = Aucun manifeste
usage-use-of-scan = L’usage de l’analyse ou du manifeste
usage-territory-hint = Où l’entraînement a eu lieu : un code de pays (p. ex. DE) ou WORLD.
usage-works = Œuvres utilisées
usage-works-hint = Une œuvre par ligne : ISRC,secondes (p. ex. ZZAAA2600001,90).
usage-file = Ou un fichier CSV
usage-file-hint = Un fichier CSV avec l’en-tête isrc,seconds ; si vous en choisissez un, les lignes ci-dessus sont ignorées.
usage-submit = Déclarer l’utilisation
usage-not-text = Le fichier n’est pas un fichier texte (UTF-8).
eu-title = Résumé UE du contenu d’entraînement
eu-lead = Le résumé public du contenu d’entraînement que le règlement sur l’IA (art. 53, paragraphe 1, point d) demande au fournisseur d’un modèle d’IA à usage général, selon le modèle du Bureau de l’IA. fermata remplit ce que ses registres disent du modèle (analyses, licences, manifestes, utilisation) ; vous remplissez le reste.
eu-no-models = Aucune de vos analyses n’est encore terminée : le résumé est établi à partir d’elles.
eu-none-hint = Répondez à chaque question Oui/Non ; un Oui demande les champs qui le suivent, un Non aucun. Écrivez « none » là où un champ de texte ne s’applique pas. Le résumé est rédigé en anglais, comme le modèle.
eu-provider-name = Nom du fournisseur
eu-provider-contact = Coordonnées du fournisseur
eu-representative = Mandataire dans l’Union
eu-model-version = Version du modèle
eu-placed-on-market = Date de mise sur le marché de l’Union
eu-dependencies = Modèles dont celui-ci est dérivé
eu-other-modalities = Autres modalités, avec leur taille et leur contenu
eu-public-datasets = Jeux de données publics
eu-public-datasets-hint = Un par ligne : le nom, puis le lien (p. ex. Free Music Archive https://example.org/fma). Laissez vide si aucun n’a été utilisé.
eu-private-datasets = Jeux de données privés d’autres tiers
eu-crawled-data = Données collectées par moissonnage du web
eu-user-data = Données des utilisateurs
eu-synthetic-data = Données synthétiques
eu-other-sources = Autres sources
eu-illegal-content = Mesures de retrait des contenus illicites
eu-other-information = Autres informations
eu-optional = Facultatif.
eu-preview-button = Aperçu
eu-download-md = Télécharger en Markdown
eu-download-html = Télécharger en HTML
eu-download-json = Télécharger en JSON
eu-preview = Aperçu
eu-preview-hint = Vérifiez le résumé, puis téléchargez-le dans le format où vous le publiez.
eu-summary-version = Version du résumé
eu-last-update = Date de la dernière mise à jour
eu-sme = Le fournisseur est-il une petite ou moyenne entreprise (PME) ?
eu-other-modalities-hint = Modalités autres que l’audio, une par ligne : modalité ; tranche de taille ; types de contenu (p. ex. text; Less than 1 billion tokens; paroles de chansons). Laissez vide s’il n’y en a pas.
eu-linguistic = Caractéristiques linguistiques des données d’entraînement
eu-other-characteristics = Autres caractéristiques pertinentes des données d’entraînement
eu-yes = Oui
eu-no = Non
eu-modalities = Modalités du contenu
eu-modalities-hint = Séparées par des virgules : text, image, video, audio, other. Laissez vide pour un Non.
eu-public-used = Des jeux de données accessibles au public ont-ils été utilisés ?
eu-public-large = Grands jeux de données accessibles au public
eu-public-other = Autres jeux de données accessibles au public, en général
eu-private-used = Des jeux de données privés ont-ils été obtenus d’autres tiers ?
eu-private-known = Ceux qui sont connus du public, un par ligne
eu-description = Description
eu-crawling-used = Des robots d’indexation ont-ils été utilisés par le fournisseur ou pour son compte ?
eu-crawler-names = Noms ou identifiants des robots
eu-crawler-purposes = Finalités des robots
eu-crawler-behaviour = Comportement des robots
eu-crawl-period = Période de collecte des données
eu-crawl-content = Type de contenu et sources en ligne explorées
eu-user-model = Des données d’interactions des utilisateurs avec le modèle ont-elles été utilisées ?
eu-user-services = Des données d’utilisateurs d’autres services ou produits du fournisseur ont-elles été utilisées ?
eu-user-description = Services ou produits d’où viennent les données d’utilisateurs
eu-synthetic-used = Des données synthétiques générées par IA ont-elles été utilisées ?
eu-synthetic-description = Les modèles d’IA qui les ont générées
eu-other-used = D’autres sources de données ont-elles été utilisées ?
eu-processing = Traitement des données
eu-cop = Le fournisseur est-il signataire du code de bonnes pratiques pour les modèles d’IA à usage général ?
eu-reservation-measures = Mesures de respect des réserves de droits au-delà de fermata

## Rémunération : redevances, modèles, exports
col-remuneration = Rémunération
offers-remuneration-hint = Comment un prix en part de pool est réparti dans les relevés : selon la durée utilisée, à parts égales entre les œuvres utilisées, ou selon la part de vos enregistrements retrouvée dans les sorties générées du développeur.
remuneration-pro-rata = Au prorata (selon la durée utilisée)
remuneration-equal-split = Parts égales (par œuvre utilisée)
remuneration-attribution = Attribution (selon ce qui est retrouvé dans les sorties générées)
col-fees = Redevances
col-pool-part = Part du pool
col-term-from = Période à partir du
col-included = Incluse
statement-fees = Redevances au titre des licences
statement-fee-other-currency = Non : autre devise
licences-renew = Renouveler { $id }
licences-renew-hint = Renouveler redemande aux ayants droit les mêmes œuvres, le même usage et les mêmes territoires, pour une durée identique commençant le lendemain de la fin de la licence. Leurs conditions actuelles s’appliquent.
## Webhooks
nav-webhooks = Webhooks
webhooks-title = Webhooks
webhooks-hint = fermata envoie un message signé à ces adresses quand quelque chose demande l’attention de votre partie : nouvelles lignes de demande, décisions, licences accordées, révoquées ou sur le point d’expirer, signalements d’abus, relevés et analyses terminées. Le destinataire vérifie chaque message avec le secret affiché à l’ajout du point de réception.
col-webhook = Point de réception
field-url = Adresse (URL)
col-events = Événements
webhook-all-events = Tous les événements
webhook-active = Actif
webhook-disabled = Désactivé depuis le { $at } : le destinataire a répondu 410 Gone
webhook-test = Envoyer un essai à { $id }
webhook-remove = Supprimer { $id }
webhooks-add = Ajouter un point de réception
webhooks-events-legend = Événements à envoyer (aucun coché : tous)
webhooks-add-make = Ajouter le point de réception
webhook-made = Point de réception { $id } ajouté. Son secret de signature, affiché une seule fois :
webhooks-back = Tous les points de réception
webhook-log-title = Journal des envois de { $id }
webhook-log-hint = Un message que le destinataire n’accepte pas est renvoyé après 10 secondes, 1 minute, 5 minutes, 30 minutes, 2 heures, 6 heures et 24 heures, puis abandonné.
col-delivery = Envoi
col-event = Événement
col-attempts = Tentatives
col-next-attempt = Prochaine tentative
col-last-answer = Dernière réponse
webhook-replay = Renvoyer { $id }
webhook-event-request-received = Nouvelles lignes de demande
webhook-event-request-decided = Ligne de demande tranchée
webhook-event-licence-granted = Licence accordée
webhook-event-licence-revoked = Licence révoquée
webhook-event-licence-expiring = Licence expirant dans moins de 30 jours
webhook-event-notice-received = Signalement d’abus reçu
webhook-event-statement-issued = Relevé émis
webhook-event-scan-finished = Analyse terminée
webhook-event-ping = Message d’essai
webhook-delivery-pending = En attente d’envoi
webhook-delivery-delivered = Remis
webhook-delivery-failed = Abandonné

## Attribution of generated outputs, and issuing certificates (issue 15)
nav-attribution = Attribution
attribution-title = Attribution des sorties
attribution-lead = Téléversez l’audio généré par votre modèle : fermata retrouve les enregistrements déposés audibles dans chaque fichier et consigne pendant combien de millisecondes chaque œuvre s’y entend. Les relevés au modèle d’attribution rémunèrent les ayants droit selon ce qui est trouvé.
attribution-new = Attribuer des sorties
attribution-date-hint = Le jour auquel le rapport compte dans les relevés.
attribution-files = Fichiers audio générés
attribution-files-hint = Jusqu’à { $count } fichiers, 64 Mio au plus chacun, 256 Mio en tout.
attribution-submit = Rechercher les enregistrements déposés
attribution-unavailable = L’attribution n’est pas disponible sur ce serveur : il doit être lancé avec `fermata serve` dans son répertoire.
attribution-past = Rapports d’attribution précédents
attribution-none = Aucun rapport d’attribution pour l’instant.
attribution-outputs = Sorties
attribution-ms = Millisecondes trouvées
attribution-no-files = Choisissez au moins un fichier généré.
attribution-too-many = Envoyez au plus { $count } fichiers à la fois.
attribution-too-large = Un fichier dépasse 64 Mio, ou les fichiers ensemble dépassent 256 Mio.
attribution-report-title = Rapport d’attribution { $id }
attribution-recorded = Enregistré
attribution-per-output = Œuvres trouvées dans chaque sortie
attribution-output = Sortie
attribution-length-ms = Durée (ms)
attribution-nothing-found = Aucun enregistrement déposé trouvé
attribution-totals = Totaux par œuvre
attribution-what-it-counts = Les correspondances qui se chevauchent pour une même œuvre dans une sortie ne sont comptées qu’une fois.
attribution-back = Retour à l’attribution
cert-issue-button = Délivrer le certificat
cert-issue-hint = Signé par ce registre lorsque chaque œuvre des manifestes autorisés du modèle était sous licence ou permise par une politique à chaque date d’entraînement.
cert-issue-unavailable = Ce serveur ne peut pas délivrer de certificats : il doit être lancé avec `fermata serve` dans son répertoire.
cert-issue-no-manifest = Le modèle n’a pas encore de manifeste autorisé : construisez-en un à partir de chaque analyse terminée.
cert-issue-no-usage = Le modèle n’a aucun rapport d’utilisation : les dates d’entraînement sont celles de ses rapports d’utilisation.
cert-refused-title = Pas de certificat pour { $model }
cert-refused-lead = { $count ->
    [one] Une œuvre n’avait ni licence ni politique qui la permette à une date d’entraînement :
   *[other] { $count } œuvres n’avaient ni licence ni politique qui les permette à une date d’entraînement :
}
cert-refused-why = Motif
cert-refused-fix = Demandez les licences manquantes (ou demandez aux ayants droit de modifier leurs politiques), puis délivrez-le à nouveau.
cert-refused-back = Retour au modèle
