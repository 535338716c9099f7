# Aplicación web de fermata — español.
# Los términos siguen docs/glossary.md.

## Marco
skip-to-content = Ir al contenido
nav-label = Menú principal
nav-home = Inicio
nav-dashboard = Panel
nav-works = Catálogo
nav-policies = Políticas
nav-requests = Solicitudes
nav-licences = Licencias
nav-statements = Liquidaciones
nav-reservations = Reservas de derechos
nav-notices = Avisos de uso indebido
nav-team = Equipo y claves
nav-scans = Análisis
nav-manifests = Manifiestos
nav-proof = Verificar una prueba
nav-transparency = Transparencia
nav-misuse = Denunciar un uso indebido
sign-in = Iniciar sesión
sign-out = Cerrar sesión
language = Idioma
language-change = Cambiar
footer-tagline = fermata: primero el permiso, con transparencia y rapidez.

## Roles
role-holder-admin = Titular de derechos (administración)
role-holder-viewer = Titular de derechos (solo lectura)
role-developer = Desarrollador de IA
role-auditor = Auditor
role-public = Visitante

## Errores
error-explain = No se ha cambiado nada.
error-detail = Detalles:
error-home = Volver a la página de inicio
error-sign-in = Inicie sesión
error-forbidden = Su rol no permite esta acción
error-not-found = No encontrado
error-csrf = Este formulario ha caducado
error-bad-form = No se ha podido leer este formulario
error-invalid = No se ha podido realizar esta acción
error-conflict = Esta acción ya se realizó o algo ha cambiado
error-too-many = Demasiados intentos; espere y vuelva a intentarlo
error-internal = Algo ha fallado por nuestra parte

## Inicio
home-title = Música e IA, con permiso
home-lead = fermata permite a los titulares de derechos decir sí o no a cada uso de sus grabaciones por parte de la IA, a los desarrolladores de IA obtener la autorización de sus datos de entrenamiento y a cualquier persona comprobar qué se ha utilizado.
home-holders = Titulares de derechos
home-holders-text = Sellos discográficos, editoriales musicales, artistas y entidades de gestión: registre sus obras, fije sus condiciones (por defecto, la respuesta es no), decida sobre las solicitudes de licencia y reciba sus liquidaciones.
home-developers = Desarrolladores de IA
home-developers-text = Analice un conjunto de datos de entrenamiento, vea qué grabaciones necesitan una licencia, solicítelas en un solo paso y publique un manifiesto verificable.
home-public = Para todos
home-public-text = Verifique una prueba de que una grabación se utilizó o no, consulte con qué se entrenó un modelo o denuncie el uso indebido de la obra o la voz de un artista.

## Inicio de sesión y cuenta
sign-in-title = Iniciar sesión
sign-in-failed = El correo electrónico o la contraseña no son correctos.
sign-in-too-many = Demasiados intentos. Espere 15 minutos y vuelva a intentarlo.
sign-in-forgot-link = ¿Olvidó su contraseña?
forgot-title = Restablecer la contraseña
forgot-lead = Indique la dirección de correo de su cuenta. Si una cuenta la tiene, le enviamos un enlace para elegir una contraseña nueva.
forgot-send = Enviar el enlace
forgot-sent = Si una cuenta tiene esta dirección, le llegará un enlace para elegir una contraseña nueva. Funciona una vez, durante una hora. Mire en la carpeta de correo no deseado si no llega.
forgot-no-mail = Este registro no envía correo. Pida un enlace de restablecimiento a su operador: lo crea con la orden fermata user reset y su dirección de correo.
forgot-too-many = Demasiadas solicitudes. Espere una hora y vuelva a intentarlo.
account-mail = Avisos por correo
account-mail-on = Recibe un correo cuando algo le necesita a usted o a su parte: nuevas solicitudes de licencia, decisiones, licencias concedidas, revocadas o a punto de terminar, avisos de uso indebido, liquidaciones y análisis terminados.
account-mail-off = Los avisos por correo están desactivados: no recibe ninguno.
account-mail-turn-off = Desactivar el correo
account-mail-turn-on = Activar el correo
field-email = Correo electrónico
field-password = Contraseña
field-password-current = Contraseña actual
field-password-new = Nueva contraseña
field-password-repeat = Repita la nueva contraseña
field-name = Nombre
field-party = Organización
field-role = Rol
field-registrant = Registrada por
account-title = Su cuenta
password-change = Cambiar la contraseña
password-change-ends-sessions = Al cambiar la contraseña, se cerrará su sesión en todos los dispositivos.
password-rule = Al menos { $min } caracteres. Unas cuantas palabras sin relación entre sí forman una buena contraseña.
password-mismatch = Las dos contraseñas nuevas no coinciden.
invite-title = Únase a fermata
invite-lead = Ha recibido una invitación para unirse a { $party } con el rol { $role }.
invite-accept = Crear mi cuenta
reset-title = Elija una nueva contraseña
reset-lead = Elija una nueva contraseña para { $email }.
reset-save = Guardar la nueva contraseña

## Paneles
dashboard-title = Panel
stat-works = obras registradas
stat-pending-lines = líneas de solicitud pendientes de su decisión
stat-active-licences = licencias activas
stat-money-year = a cobrar este año
stat-scans = análisis
stat-waiting-lines = líneas de solicitud pendientes de los titulares
stat-manifests = manifiestos
dashboard-scans-found = Últimos análisis que encontraron sus obras
dashboard-no-scans = Ningún análisis ha encontrado todavía sus obras.
dashboard-latest-scans = Últimos análisis

## Columnas de tablas
col-action = Acción
col-amount = Importe
col-answer = Respuesta
col-artist = Artista
col-created = Creación
col-dataset = Conjunto de datos
col-decided-by = Decidido por
col-developer = Desarrollador
col-download = Descarga
col-duration = Duración
col-entries = Entradas
col-expires = Vencimiento
col-file = Archivo
col-files = Archivos
col-files-with-your-works = Archivos con sus obras
col-finished = Fin
col-from = Desde
col-holder = Titular de derechos
col-holders = Titulares de derechos
col-hours = Horas
col-issued = Emisión
col-key = Clave
col-licence = Licencia
col-manifest = Manifiesto
col-model = Modelo
col-period = Periodo
col-price = Precio
col-received = Recepción
col-request = Solicitud
col-revoked = Revocación
col-root = Raíz publicada
col-scan = Análisis
col-share = Participación
col-since = Desde
col-started = Inicio
col-statement = Liquidación
col-status = Estado
col-term = Vigencia
col-territories = Territorios
col-territory = Territorio
col-title = Título
col-to = Hasta
col-use = Uso
col-verdict = Resultado
col-what = Qué
col-when = Cuándo
col-where = Posición en el archivo
col-who = Quién
col-match = Coincidencia (puntuación, azar, dónde)
col-why = Motivo
col-work = Obra
col-works = Obras
none = Todavía no hay nada.
download = Descargar
search = Buscar
pager-label = Páginas
pager-prev = Anterior
pager-next = Siguiente
pager-position = Página { $page } de { $pages }

## Usos, respuestas, resultados y estados
use-train-genai = Entrenamiento de IA generativa
use-train-ai = Entrenamiento de otros tipos de IA
use-tdm-research = Minería de textos y datos con fines de investigación
use-voice-likeness = Voz o imagen
use-inference-input = Entrada en el momento de la generación
decision-deny = No
decision-deny-default = No (sin definir)
decision-licence-required = Requiere licencia
decision-allow = Sí
verdict-cleared = Autorizado
verdict-licence-required = Requiere licencia
verdict-denied = Denegado
verdict-unidentified = No identificado
verdict-error = No se pudo leer
licence-active = Activa
licence-scheduled = Aún no vigente
licence-expired = Vencida
licence-revoked = Revocada
line-pending = Pendiente
line-approved = Aprobada
line-refused = Rechazada
price-per-work = por obra
price-per-hour = por hora de audio
price-pool-share = participación en un fondo común
territory-world = Todo el mundo
term-months = { $months ->
    [one] { $months } mes
   *[other] { $months } meses
}
term-from = desde el { $from }
term-hint = En meses; déjelo vacío si no tiene fecha de fin.
territories-hint = Códigos de país separados por comas (p. ej., DE, FR); vacío significa todo el mundo.

## Catálogo y obras
works-title = Catálogo
works-search = Buscar por título, artista o ISRC
works-count = { $count ->
    [one] { $count } obra
   *[other] { $count } obras
}
work-credits = Créditos
work-shares = Participaciones por territorio
work-answers = Qué responde hoy esta obra
work-answers-hint = Aquí, en los análisis y en la API se aplica la misma regla: un uso solo está autorizado cuando todos los titulares de una participación dicen que sí o han concedido una licencia para él.
work-licences = Licencias
work-history = Historial

## Políticas
policies-title = Políticas
policies-lead = Lo que usted responde a cada uso de todo su catálogo. Si no hay nada definido, la respuesta es no.
policies-exceptions = Excepciones para obras concretas
policies-set = Definir una política
policies-isrc = ISRC (opcional)
policies-isrc-hint = Déjelo vacío para todo el catálogo.
policies-save = Guardar la política
price-model = Modelo de precio
price-amount = Importe
price-currency = Moneda

## Solicitudes
requests-title = Solicitudes de licencia
requests-pending = Pendientes de decisión
requests-none-pending = No hay ninguna línea pendiente.
requests-decided = Decididas
requests-select = Seleccionar
requests-select-all = Seleccionar todas las líneas
requests-select-line = Seleccionar la solicitud { $request }, obra { $work }
requests-reason = Motivo (visible para el desarrollador)
requests-approve = Aprobar las líneas seleccionadas
requests-refuse = Rechazar las líneas seleccionadas
requests-none-selected = Seleccione al menos una línea.
requests-more = Solo se muestran las 2000 líneas más recientes.

## Licencias y liquidaciones
licences-title = Licencias
licences-revoke = Revocar
licences-revoke-reason = Motivo de la revocación
licence-all-works = Todas las obras
licence-n-works = { $count ->
    [one] { $count } obra
   *[other] { $count } obras
}
statements-title = Liquidaciones
statement-title = Liquidación { $id }
statement-pool = Fondo común
statement-totals = Totales por titular de derechos
statement-lines = Líneas

## Reservas de derechos
reservations-title = Reservas de derechos
reservations-lead = Estos archivos indican a los rastreadores y a los desarrolladores de IA qué derechos se reserva usted, en los formatos estándar (TDMRep y preferencias de IA). Publíquelos en su sitio web.
reservations-location = Ruta de su sitio web a la que se aplican
reservations-update = Actualizar
reservations-headers = Cabeceras HTTP
reservations-public = Cualquier persona puede consultarlos en
reservations-meta = Elementos <meta> de HTML
reservations-meta-lead = Colóquelos en el <head> de cada página web sobre su música (TDMRep). Así las páginas dicen lo mismo que los archivos de arriba.
public-reservations-title = Reservas de derechos de { $party }
public-reservations-lead = Lo que { $party } se reserva frente al uso por la IA, tal como se publicó con fermata.

## Análisis y manifiestos
scans-title = Análisis
scans-how = Los análisis se ejecutan donde están los datos: `fermata scan DATASET --model MODEL --use USE --territory XX`. Aparecen aquí a medida que terminan.
scans-none = Todavía no hay ningún análisis.
scan-match = puntuación { $score }, azar { $chance }
scan-title = Análisis { $id }
scan-running = En curso
scan-filter = Mostrar archivos por resultado
scan-all-files = Todos los archivos
scan-file-pending = Aún sin decidir
scan-request-lead = { $count ->
    [one] Un archivo necesita una licencia.
   *[other] { $count } archivos necesitan una licencia.
}
scan-request-all = Solicitar licencia para todas las obras que la requieren
manifests-title = Manifiestos
manifests-none = Todavía no hay ningún manifiesto.
manifests-proof = Prueba

## Equipo
team-title = Equipo y claves de API
team-people = Personas
team-invite = Invitar a alguien
team-invite-make = Crear un enlace de invitación
team-keys = Claves de API
team-keys-hint = Las aplicaciones usan claves de API; las personas inician sesión aquí.
team-key-make = Crear una clave de API
team-key-revoke = Revocar { $id }
invite-made = Enlace de invitación, que solo se muestra una vez. Envíelo a la persona invitada; sirve una sola vez, durante 7 días.
key-made = Clave de API { $id }, que solo se muestra una vez. Guárdela en el almacén de secretos de su aplicación.
shown-once-hint = No se volverá a mostrar.
invite-open = Sin usar todavía
invite-used = Usada el { $at }

## Verificador de pruebas
proof-title = Verificar una prueba
proof-lead = Un desarrollador publica una raíz por cada manifiesto de entrenamiento. Una prueba muestra que una grabación está, o no está, en ese manifiesto. Su navegador la verifica por sí mismo: no se envía nada a fermata.
proof-needs-js = Este verificador funciona en su navegador y necesita JavaScript.
proof-file = Archivo de prueba
proof-text = O pegue la prueba
proof-root = Raíz publicada
proof-root-hint = 64 caracteres hexadecimales, tal como los publicó el desarrollador.
proof-work = ISRC esperado (opcional)
proof-check = Verificar
proof-busy = Verificando…
proof-included = Válida: { $isrc } está en el manifiesto { $manifest } de { $developer } para el modelo { $model }.
proof-not-included = Válida: { $isrc } no está en el manifiesto { $manifest } de { $developer } para el modelo { $model }.
proof-malformed = No válida: esto no es una prueba de fermata.
proof-version = No válida: este verificador no admite la versión de esta prueba.
proof-invalid = No válida: la prueba no conduce a la raíz publicada. Puede haber sido modificada.
proof-wrong-work = No válida: la prueba se refiere a una grabación distinta de { $isrc }.
proof-wrong-root = No válida: la raíz no es aquella para la que se generó esta prueba, o no es una raíz.
proof-privacy = La prueba se verifica con la criptografía de su propio navegador (SHA-256). Esta página no la envía en ninguna solicitud.

## Transparencia
transparency-title = Transparencia
transparency-lead = Modelos cuyos desarrolladores han publicado con fermata un manifiesto de entrenamiento autorizado.
transparency-none = Todavía no se ha publicado ningún manifiesto.
model-title = Modelo { $model }
model-scans = Análisis
model-files = Archivos del último análisis, por resultado
model-check-proof = Verificar una prueba con esta raíz
model-what-it-proves = La raíz sella criptográficamente todos los archivos autorizados del análisis. Demuestra lo que enumera el manifiesto; no puede demostrar que no se hayan utilizado otros datos.
col-certificate = Certificado
cert-heading = Certificados de entrenamiento limpio
cert-none = No se ha emitido ningún certificado para este modelo.
cert-training-dates = Fechas de entrenamiento
cert-status-valid = Válido
cert-status-invalid = No válido
cert-download = Descargar (JWS)
cert-key-link = La clave pública del emisor (PEM)
cert-verify-link = Comprobar un certificado
cert-what-it-proves = Un certificado es la declaración firmada de este registro de que, cuando se emitió, sus registros mostraban cada obra de los manifiestos autorizados del modelo con licencia o permitida en cada fecha de entrenamiento declarada. No puede demostrar que no se usaron otros datos ni que los informes de uso estén completos.
cert-verify-title = Comprobar un certificado
cert-verify-lead = Pegue un certificado de entrenamiento limpio (un JWS). Se comprueba aquí con las claves que este registro publicó; también puede comprobarlo sin conexión con la clave pública del emisor.
cert-verify-field = Certificado (JWS)
cert-verify-submit = Comprobar
cert-valid = Válido: firmado con la clave { $kid } de este registro.
cert-invalid = No válido: no es un certificado firmado con una clave de este registro, o fue modificado.
cert-issuer = Emisor
cert-licences = Licencias
cert-policies = Políticas que permitieron el uso
cert-usage-reports = Informes de uso

## Uso indebido
misuse-title = Denunciar un uso indebido
misuse-lead = ¿Ha encontrado una pista generada que copia una grabación, o una voz que imita a un artista? Avise a los titulares de derechos. Si sube el archivo, fermata comprueba qué grabaciones registradas contiene.
misuse-kind = ¿Qué ha encontrado?
notice-kind-generated-track = Una pista generada que copia una grabación
notice-kind-voice-imitation = Una voz que imita a un artista
notice-kind-other = Otra cosa
misuse-subject = Qué artista u obra
misuse-holder = Sello, editorial o artista afectado
misuse-holder-unknown = No lo sé
misuse-isrc = ISRC de la grabación (opcional)
misuse-link = Enlace
misuse-file = El archivo
misuse-file-hint = Audio o vídeo, hasta { $mb } MB.
misuse-details = Cuál es el problema
misuse-email = Su correo electrónico (opcional, para recibir respuesta)
misuse-send = Enviar la denuncia
misuse-filed-title = Gracias
misuse-filed-lead = Su denuncia { $id } se ha enviado a: { $holders }.
misuse-found = Grabaciones registradas encontradas en el archivo
misuse-found-none = No se ha encontrado ninguna grabación registrada en el archivo.
notices-title = Avisos de uso indebido
notices-none = Todavía no hay ningún aviso.
notices-move-to = Pasar a
notices-note = Nota o resultado
notices-save = Guardar
notice-state-received = Recibido
notice-state-acknowledged = Confirmado
notice-state-forwarded = Reenviado
notice-state-closed = Cerrado

## Importación
nav-import = Importar
import-title = Importar un catálogo
import-lead = Suba su catálogo (CSV o DDEX ERN 4) junto con el audio de sus grabaciones. No se registra nada a menos que todo el archivo sea correcto; si no lo es, verá cada problema con su línea.
import-unavailable = Para importar desde el navegador, el servidor necesita conocer su directorio de fermata (lo conoce si se ha iniciado con fermata serve).
import-no-catalogue = Elija el archivo del catálogo.
import-catalogue = Archivo del catálogo (CSV o DDEX XML)
import-catalogue-hint = El archivo indica el audio de cada grabación con rutas relativas a una misma carpeta.
import-audio = Archivos de audio o un zip
import-audio-hint = Elija todos los archivos de audio que indica el catálogo, o un zip que los contenga.
import-start = Importar
import-checking = Comprobando el catálogo…
import-progress = Generando las huellas acústicas del audio: { $done } de { $of } archivos.
import-failed-files = { $count ->
    [one] No se pudo leer { $count } archivo
   *[other] No se pudieron leer { $count } archivos
}
import-refresh = Esta página se actualiza sola.
import-failed = La importación ha fallado:
import-rejected = No se ha registrado nada: el catálogo tiene estos problemas.
import-again = Volver a intentarlo
import-done = El catálogo se ha importado.
import-records = Registros del archivo
import-added = Obras nuevas
import-updated = Obras actualizadas
import-unchanged = Obras sin cambios
import-conflicts = Obras registradas por otro titular
import-awaiting = Cambios de participación pendientes de otros titulares
import-tracks = Grabaciones con huella acústica
import-hours = Horas de audio
import-notes = Observaciones
col-line = Línea
col-field = Campo

## Adhesión y operador
nav-sign-up = Unirse
nav-operator = Operador
role-operator = Operador del registro
kind-label = Sello discográfico
kind-publisher = Editorial musical
kind-artist = Artista
kind-society = Entidad de gestión
kind-developer = Desarrollador de IA
kind-auditor = Auditor
kind-operator = Operador del registro
sign-up-title = Únase a fermata
sign-up-lead = Pueden unirse sellos discográficos, editoriales musicales, artistas, entidades de gestión y desarrolladores de IA. El operador del registro revisa cada solicitud antes de abrir la cuenta.
sign-up-kind = Usted es
sign-up-party-id = Nombre corto de su organización
sign-up-party-id-hint = Letras minúsculas, números y guiones (p. ej., indie-records). Aparece en los registros y no se puede cambiar.
sign-up-about = Sobre usted
sign-up-about-hint = Un sitio web, el tamaño de su catálogo o el número de registro de su entidad de gestión: cualquier dato que ayude al operador a comprobar quién es usted.
sign-up-send = Solicitar la adhesión
sign-up-received-title = Solicitud recibida
sign-up-received = Gracias. El operador revisará su solicitud; una vez aprobada, podrá iniciar sesión con { $email }.
operator-title = Operador
operator-pending = Solicitudes de adhesión
operator-decided = Solicitudes resueltas
operator-reason = Motivo (en caso de rechazo)
operator-approve = Aprobar
operator-refuse = Rechazar
operator-parties = Organizaciones
signup-pending = Pendiente
signup-approved = Aprobada
signup-refused = Rechazada

## Ofertas
nav-offers = Ofertas
offers-title = Ofertas
offers-lead = Una oferta permanente publica sus condiciones para un uso. Las solicitudes que se acogen a ella llegan a su bandeja de entrada, o se aprueban al instante si así lo indica.
col-offer = Oferta
offers-auto = Aprobación inmediata
offers-auto-hint = Aprobar al instante las solicitudes que se acojan a esta oferta
offers-publish = Publicar una oferta
offers-works-hint = ISRC separados por comas; déjelo vacío para todo su catálogo.
offers-withdraw = Retirar { $id }
offers-withdrawn = Retirada el { $at }
yes = Sí
no = No

## Usage and EU summary
nav-usage = Uso
nav-eu-summary = Resumen UE
col-report = Informe
col-run = Ejecución de entrenamiento
col-cleared-by = Autorizado por
col-date = Fecha
usage-title = Informes de uso
usage-lead = Informe de lo que usó cada ejecución de entrenamiento: las obras y los segundos de cada una. Solo pueden declararse obras autorizadas para usted, para ese uso, territorio y día; si no, no se registra nada y el intento queda en el registro de auditoría.
usage-none = Aún no se ha informado ningún uso.
usage-report = Informar del uso
usage-no-scan = Ningún análisis
usage-scan-hint = El análisis terminado que autorizó los datos (opcional).
usage-no-manifest = Ningún manifiesto
usage-use-of-scan = El uso del análisis o del manifiesto
usage-territory-hint = Dónde tuvo lugar el entrenamiento: un código de país (p. ej., DE) o WORLD.
usage-works = Obras usadas
usage-works-hint = Una obra por línea: ISRC,segundos (p. ej., ZZAAA2600001,90).
usage-file = O un archivo CSV
usage-file-hint = Un archivo CSV con la cabecera isrc,seconds; si elige uno, se ignoran las líneas de arriba.
usage-submit = Informar del uso
usage-not-text = El archivo no es un archivo de texto (UTF-8).
eu-title = Resumen UE del contenido de entrenamiento
eu-lead = El resumen público del contenido de entrenamiento que el Reglamento de IA (art. 53, apartado 1, letra d) exige al proveedor de un modelo de IA de uso general, según la plantilla de la Oficina de IA. fermata rellena lo que sus registros dicen del modelo (análisis, licencias, manifiestos, uso); usted rellena el resto.
eu-no-models = Ninguno de sus análisis ha terminado todavía: el resumen se elabora a partir de ellos.
eu-none-hint = Responda a cada pregunta de Sí/No; un Sí requiere los campos que lo siguen, un No no requiere ninguno. Escriba "none" donde un campo de texto no se aplique. El resumen se redacta en inglés, como la plantilla.
eu-provider-name = Nombre del proveedor
eu-provider-contact = Datos de contacto del proveedor
eu-representative = Representante autorizado en la Unión
eu-model-version = Versión del modelo
eu-placed-on-market = Fecha de introducción en el mercado de la Unión
eu-dependencies = Modelos en los que se basa este
eu-other-modalities = Otras modalidades, con su tamaño y contenido
eu-public-datasets = Conjuntos de datos públicos
eu-public-datasets-hint = Uno por línea: el nombre y luego el enlace (p. ej., Free Music Archive https://example.org/fma). Déjelo vacío si no se usó ninguno.
eu-private-datasets = Conjuntos de datos privados de otros terceros
eu-crawled-data = Datos rastreados y extraídos de la web
eu-user-data = Datos de usuarios
eu-synthetic-data = Datos sintéticos
eu-other-sources = Otras fuentes
eu-illegal-content = Medidas para eliminar contenidos ilícitos
eu-other-information = Otra información
eu-optional = Opcional.
eu-preview-button = Vista previa
eu-download-md = Descargar en Markdown
eu-download-html = Descargar en HTML
eu-download-json = Descargar en JSON
eu-preview = Vista previa
eu-preview-hint = Revise el resumen y descárguelo en el formato en que lo publique.
eu-summary-version = Versión del resumen
eu-last-update = Fecha de la última actualización
eu-sme = ¿Es el proveedor una pequeña o mediana empresa (pyme)?
eu-other-modalities-hint = Modalidades distintas del audio, una por línea: modalidad; franja de tamaño; tipos de contenido (p. ej., text; Less than 1 billion tokens; letras de canciones). Déjelo vacío si no hay ninguna.
eu-linguistic = Características lingüísticas de los datos de entrenamiento
eu-other-characteristics = Otras características relevantes de los datos de entrenamiento
eu-yes = Sí
eu-no = No
eu-modalities = Modalidades del contenido
eu-modalities-hint = Separadas por comas: text, image, video, audio, other. Déjelo vacío si la respuesta es No.
eu-public-used = ¿Se usaron conjuntos de datos disponibles públicamente?
eu-public-large = Conjuntos de datos públicos de gran tamaño
eu-public-other = Otros conjuntos de datos públicos, en términos generales
eu-private-used = ¿Se obtuvieron conjuntos de datos privados de otros terceros?
eu-private-known = Los que son públicamente conocidos, uno por línea
eu-description = Descripción
eu-crawling-used = ¿Usó el proveedor, o alguien en su nombre, rastreadores web?
eu-crawler-names = Nombres o identificadores de los rastreadores
eu-crawler-purposes = Finalidades de los rastreadores
eu-crawler-behaviour = Cómo se comportan los rastreadores
eu-crawl-period = Periodo de recopilación de datos
eu-crawl-content = Tipo de contenido y fuentes en línea rastreadas
eu-user-model = ¿Se usaron datos de las interacciones de los usuarios con el modelo?
eu-user-services = ¿Se usaron datos de usuarios de otros servicios o productos del proveedor?
eu-user-description = Servicios o productos de los que proceden los datos de usuarios
eu-synthetic-used = ¿Se usaron datos sintéticos generados por IA?
eu-synthetic-description = Los modelos de IA usados para generarlos
eu-other-used = ¿Se usaron otras fuentes de datos?
eu-processing = Tratamiento de los datos
eu-cop = ¿Es el proveedor signatario del Código de buenas prácticas para modelos de IA de uso general?
eu-reservation-measures = Medidas para respetar las reservas de derechos además de fermata

## Remuneración: tarifas, modelos, exportaciones
col-remuneration = Remuneración
offers-remuneration-hint = Cómo se reparte un precio de participación en el fondo en las liquidaciones: según el tiempo usado, a partes iguales entre las obras usadas, o según cuánto de sus grabaciones se encuentra en los resultados generados del desarrollador.
remuneration-pro-rata = A prorrata (según el tiempo usado)
remuneration-equal-split = Partes iguales (por obra usada)
remuneration-attribution = Atribución (según lo que se encuentra en los resultados generados)
col-fees = Tarifas
col-pool-part = Parte del fondo
col-term-from = Periodo desde
col-included = Incluida
statement-fees = Tarifas según las licencias
statement-fee-other-currency = No: otra moneda
licences-renew = Renovar { $id }
licences-renew-hint = Renovar vuelve a pedir a los titulares de derechos las mismas obras, el mismo uso y los mismos territorios, por un plazo de igual duración que empieza el día siguiente al fin de la licencia. Se aplican sus condiciones actuales.
## Webhooks
nav-webhooks = Webhooks
webhooks-title = Webhooks
webhooks-hint = fermata envía un mensaje firmado a estas direcciones cuando algo requiere la atención de su parte: nuevas líneas de solicitud, decisiones, licencias concedidas, revocadas o a punto de vencer, avisos de uso indebido, liquidaciones y análisis terminados. El receptor comprueba cada mensaje con el secreto que se muestra al añadir el punto de recepción.
col-webhook = Punto de recepción
field-url = Dirección (URL)
col-events = Eventos
webhook-all-events = Todos los eventos
webhook-active = Activo
webhook-disabled = Desactivado desde { $at }: el receptor respondió 410 Gone
webhook-test = Enviar una prueba a { $id }
webhook-remove = Eliminar { $id }
webhooks-add = Añadir un punto de recepción
webhooks-events-legend = Eventos que enviar (ninguno marcado: todos)
webhooks-add-make = Añadir el punto de recepción
webhook-made = Punto de recepción { $id } añadido. Su secreto de firma, que solo se muestra una vez:
webhooks-back = Todos los puntos de recepción
webhook-log-title = Registro de envíos de { $id }
webhook-log-hint = Un mensaje que el receptor no acepta se vuelve a enviar al cabo de 10 segundos, 1 minuto, 5 minutos, 30 minutos, 2 horas, 6 horas y 24 horas, y después se abandona.
col-delivery = Envío
col-event = Evento
col-attempts = Intentos
col-next-attempt = Próximo intento
col-last-answer = Última respuesta
webhook-replay = Volver a enviar { $id }
webhook-event-request-received = Nuevas líneas de solicitud
webhook-event-request-decided = Línea de solicitud decidida
webhook-event-licence-granted = Licencia concedida
webhook-event-licence-revoked = Licencia revocada
webhook-event-licence-expiring = Licencia que vence en menos de 30 días
webhook-event-notice-received = Aviso de uso indebido recibido
webhook-event-statement-issued = Liquidación emitida
webhook-event-scan-finished = Análisis terminado
webhook-event-ping = Mensaje de prueba
webhook-delivery-pending = Pendiente de envío
webhook-delivery-delivered = Entregado
webhook-delivery-failed = Abandonado

## Attribution of generated outputs, and issuing certificates (issue 15)
nav-attribution = Atribución
attribution-title = Atribución de resultados
attribution-lead = Sube el audio que generó tu modelo: fermata encuentra las grabaciones registradas que se oyen en cada archivo y registra durante cuántos milisegundos se oye cada obra. Las liquidaciones con el modelo de atribución pagan a los titulares según lo encontrado.
attribution-new = Atribuir resultados
attribution-date-hint = El día al que corresponde el informe en las liquidaciones.
attribution-files = Archivos de audio generados
attribution-files-hint = Hasta { $count } archivos, cada uno de 64 MiB como máximo, 256 MiB en total.
attribution-submit = Buscar grabaciones registradas
attribution-unavailable = La atribución no está disponible en este servidor: debe iniciarse con `fermata serve` en su directorio.
attribution-past = Informes de atribución anteriores
attribution-none = Todavía no hay ningún informe de atribución.
attribution-outputs = Resultados
attribution-ms = Milisegundos encontrados
attribution-no-files = Elige al menos un archivo generado.
attribution-too-many = Envía como máximo { $count } archivos a la vez.
attribution-too-large = Un archivo supera los 64 MiB, o los archivos juntos superan los 256 MiB.
attribution-report-title = Informe de atribución { $id }
attribution-recorded = Registrado
attribution-per-output = Obras encontradas en cada resultado
attribution-output = Resultado
attribution-length-ms = Duración (ms)
attribution-nothing-found = No se encontró ninguna grabación registrada
attribution-totals = Totales por obra
attribution-what-it-counts = Las coincidencias superpuestas de una misma obra en un resultado se cuentan una sola vez.
attribution-back = Volver a la atribución
cert-issue-button = Emitir certificado
cert-issue-hint = Lo firma este registro cuando todas las obras de los manifiestos autorizados del modelo tenían licencia o una política que las permitía en cada fecha de entrenamiento.
cert-issue-unavailable = No se pueden emitir certificados en este servidor: debe iniciarse con `fermata serve` en su directorio.
cert-issue-no-manifest = El modelo aún no tiene ningún manifiesto autorizado: crea uno a partir de cada escaneo terminado.
cert-issue-no-usage = El modelo no tiene ningún informe de uso: las fechas de entrenamiento son las de sus informes de uso.
cert-refused-title = Sin certificado para { $model }
cert-refused-lead = { $count ->
    [one] A una obra le falta una licencia o una política que la permitiera en una fecha de entrenamiento:
   *[other] A { $count } obras les falta una licencia o una política que las permitiera en una fecha de entrenamiento:
}
cert-refused-why = Motivo
cert-refused-fix = Solicita las licencias que faltan (o pide a los titulares que cambien sus políticas) y vuelve a emitirlo.
cert-refused-back = Volver al modelo
