# Aplicativo web do fermata — português (do Brasil).
# Os termos seguem docs/glossary.md.

## Estrutura
skip-to-content = Pular para o conteúdo
nav-label = Menu principal
nav-home = Início
nav-dashboard = Painel
nav-works = Catálogo
nav-policies = Políticas
nav-requests = Pedidos
nav-licences = Licenças
nav-statements = Demonstrativos
nav-reservations = Reservas de direitos
nav-notices = Notificações de uso indevido
nav-team = Equipe e chaves
nav-scans = Análises
nav-manifests = Manifestos
nav-proof = Verificar uma prova
nav-transparency = Transparência
nav-misuse = Denunciar uso indevido
sign-in = Entrar
sign-out = Sair
language = Idioma
language-change = Alterar
footer-tagline = fermata: permissão em primeiro lugar, com transparência e rapidez.

## Perfis
role-holder-admin = Titular de direitos (administração)
role-holder-viewer = Titular de direitos (somente leitura)
role-developer = Desenvolvedor de IA
role-auditor = Auditor
role-public = Visitante

## Erros
error-explain = Nada foi alterado.
error-detail = Detalhes:
error-home = Voltar à página inicial
error-sign-in = Entre na sua conta
error-forbidden = Seu perfil não permite esta ação
error-not-found = Não encontrado
error-csrf = Este formulário expirou
error-bad-form = Não foi possível ler este formulário
error-invalid = Não foi possível concluir esta ação
error-conflict = Esta ação já foi feita ou algo mudou
error-too-many = Tentativas demais; aguarde e tente novamente
error-internal = Ocorreu um erro do nosso lado

## Início
home-title = Música e IA, com permissão
home-lead = O fermata permite que os titulares de direitos digam sim ou não a cada uso de suas gravações pela IA, que os desenvolvedores de IA liberem os direitos de seus dados de treinamento e que qualquer pessoa verifique o que foi usado.
home-holders = Titulares de direitos
home-holders-text = Gravadoras, editoras, artistas e associações de gestão coletiva: registre suas obras, defina suas condições (por padrão, a resposta é não), decida sobre os pedidos de licença e receba seus demonstrativos.
home-developers = Desenvolvedores de IA
home-developers-text = Analise um conjunto de dados de treinamento, veja quais gravações precisam de licença, peça todas de uma só vez e publique um manifesto verificável.
home-public = Para todos
home-public-text = Verifique a prova de que uma gravação foi ou não usada, veja com que dados um modelo foi treinado ou denuncie o uso indevido da obra ou da voz de um artista.

## Acesso e conta
sign-in-title = Entrar
sign-in-failed = O e-mail ou a senha estão incorretos.
sign-in-too-many = Tentativas demais. Aguarde 15 minutos e tente novamente.
sign-in-forgot-link = Esqueceu a palavra-passe?
forgot-title = Redefinir a palavra-passe
forgot-lead = Indique o endereço de e-mail da sua conta. Se uma conta o tiver, enviamos-lhe uma ligação para definir uma nova palavra-passe.
forgot-send = Enviar a ligação
forgot-sent = Se uma conta tiver este endereço, uma ligação para definir uma nova palavra-passe está a caminho. Funciona uma vez, durante uma hora. Veja a pasta de spam se não chegar.
forgot-no-mail = Este registo não envia e-mail. Peça uma ligação de redefinição ao seu operador: ele cria-a com o comando fermata user reset e o seu endereço de e-mail.
forgot-too-many = Pedidos a mais. Espere uma hora e tente de novo.
account-mail = Notificações por e-mail
account-mail-on = Recebe um e-mail quando algo precisa de si ou da sua parte: novos pedidos de licença, decisões, licenças concedidas, revogadas ou a terminar, denúncias de uso indevido, extratos e análises concluídas.
account-mail-off = As notificações por e-mail estão desativadas: não recebe nenhuma.
account-mail-turn-off = Desativar o e-mail
account-mail-turn-on = Ativar o e-mail
field-email = E-mail
field-password = Senha
field-password-current = Senha atual
field-password-new = Nova senha
field-password-repeat = Repita a nova senha
field-name = Nome
field-party = Organização
field-role = Perfil
field-registrant = Registrada por
account-title = Sua conta
password-change = Alterar senha
password-change-ends-sessions = Ao alterar a senha, sua sessão será encerrada em todos os dispositivos.
password-rule = Pelo menos { $min } caracteres. Algumas palavras sem relação entre si formam uma boa senha.
password-mismatch = As duas novas senhas não são iguais.
invite-title = Junte-se ao fermata
invite-lead = Você recebeu um convite para participar de { $party } com o perfil { $role }.
invite-accept = Criar minha conta
reset-title = Escolha uma nova senha
reset-lead = Escolha uma nova senha para { $email }.
reset-save = Salvar a nova senha

## Painéis
dashboard-title = Painel
stat-works = obras registradas
stat-pending-lines = itens de pedido aguardando sua decisão
stat-active-licences = licenças ativas
stat-money-year = a receber este ano
stat-scans = análises
stat-waiting-lines = itens de pedido aguardando os titulares
stat-manifests = manifestos
dashboard-scans-found = Análises recentes que encontraram suas obras
dashboard-no-scans = Nenhuma análise encontrou suas obras ainda.
dashboard-latest-scans = Análises recentes

## Colunas das tabelas
col-action = Ação
col-amount = Valor
col-answer = Resposta
col-artist = Artista
col-created = Criação
col-dataset = Conjunto de dados
col-decided-by = Decidido por
col-developer = Desenvolvedor
col-download = Baixar
col-duration = Duração
col-entries = Entradas
col-expires = Vencimento
col-file = Arquivo
col-files = Arquivos
col-files-with-your-works = Arquivos com suas obras
col-finished = Término
col-from = Início
col-holder = Titular de direitos
col-holders = Titulares de direitos
col-hours = Horas
col-issued = Emissão
col-key = Chave
col-licence = Licença
col-manifest = Manifesto
col-model = Modelo
col-period = Período
col-price = Preço
col-received = Recebimento
col-request = Pedido
col-revoked = Revogação
col-root = Raiz publicada
col-scan = Análise
col-share = Participação
col-since = Desde
col-started = Início
col-statement = Demonstrativo
col-status = Situação
col-term = Prazo
col-territories = Territórios
col-territory = Território
col-title = Título
col-to = Fim
col-use = Uso
col-verdict = Resultado
col-what = O quê
col-when = Quando
col-where = Posição no arquivo
col-who = Quem
col-match = Correspondência (pontuação, acaso, onde)
col-why = Motivo
col-work = Obra
col-works = Obras
none = Nada ainda.
download = Baixar
search = Pesquisar
pager-label = Páginas
pager-prev = Anterior
pager-next = Próxima
pager-position = Página { $page } de { $pages }

## Usos, respostas, resultados, situações
use-train-genai = Treinamento de IA generativa
use-train-ai = Treinamento de outros tipos de IA
use-tdm-research = Mineração de textos e dados para fins de pesquisa
use-voice-likeness = Voz ou imagem
use-inference-input = Entrada no momento da geração
decision-deny = Não
decision-deny-default = Não (nada definido)
decision-licence-required = Licença necessária
decision-allow = Sim
verdict-cleared = Autorizado
verdict-licence-required = Licença necessária
verdict-denied = Negado
verdict-unidentified = Não identificado
verdict-error = Não foi possível ler
licence-active = Ativa
licence-scheduled = Ainda não vigente
licence-expired = Expirada
licence-revoked = Revogada
line-pending = Aguardando
line-approved = Aprovado
line-refused = Recusado
price-per-work = por obra
price-per-hour = por hora de áudio
price-pool-share = participação em um fundo comum
territory-world = Mundo todo
term-months = { $months ->
    [one] { $months } mês
   *[other] { $months } meses
}
term-from = a partir de { $from }
term-hint = Em meses; deixe em branco para prazo indeterminado.
territories-hint = Códigos de país separados por vírgulas (ex.: DE, FR); em branco significa mundo todo.

## Catálogo e obras
works-title = Catálogo
works-search = Pesquisar por título, artista ou ISRC
works-count = { $count ->
    [one] { $count } obra
   *[other] { $count } obras
}
work-credits = Créditos
work-shares = Participações por território
work-answers = O que esta obra responde hoje
work-answers-hint = A mesma regra vale aqui, nas análises e na API: um uso só é autorizado quando todos os titulares de uma participação dizem sim ou concederam uma licença para ele.
work-licences = Licenças
work-history = Histórico

## Políticas
policies-title = Políticas
policies-lead = O que você responde a cada uso de todo o seu catálogo. Se nada for definido, a resposta é não.
policies-exceptions = Exceções para obras específicas
policies-set = Definir uma política
policies-isrc = ISRC (opcional)
policies-isrc-hint = Deixe em branco para todo o catálogo.
policies-save = Salvar a política
price-model = Modelo de preço
price-amount = Valor
price-currency = Moeda

## Pedidos
requests-title = Pedidos de licença
requests-pending = Aguardando decisão
requests-none-pending = Nenhum item aguardando decisão.
requests-decided = Decididos
requests-select = Selecionar
requests-select-all = Selecionar todos os itens
requests-select-line = Selecionar o pedido { $request }, obra { $work }
requests-reason = Motivo (visível para o desenvolvedor)
requests-approve = Aprovar os itens selecionados
requests-refuse = Recusar os itens selecionados
requests-none-selected = Selecione pelo menos um item.
requests-more = Somente os 2.000 itens mais recentes são exibidos.

## Licenças e demonstrativos
licences-title = Licenças
licences-revoke = Revogar
licences-revoke-reason = Motivo da revogação
licence-all-works = Todas as obras
licence-n-works = { $count ->
    [one] { $count } obra
   *[other] { $count } obras
}
statements-title = Demonstrativos
statement-title = Demonstrativo { $id }
statement-pool = Fundo comum
statement-totals = Totais por titular de direitos
statement-lines = Itens

## Reservas de direitos
reservations-title = Reservas de direitos
reservations-lead = Estes arquivos informam aos rastreadores e aos desenvolvedores de IA quais direitos você reserva, nos formatos padrão (TDMRep e preferências de IA). Publique-os no seu site.
reservations-location = Caminho do seu site ao qual se aplicam
reservations-update = Atualizar
reservations-headers = Cabeçalhos HTTP
reservations-public = Qualquer pessoa pode consultá-los em
reservations-meta = Elementos <meta> de HTML
reservations-meta-lead = Coloque-os no <head> de cada página web sobre a sua música (TDMRep). Assim as páginas dizem o mesmo que os ficheiros acima.
public-reservations-title = Reservas de direitos de { $party }
public-reservations-lead = O que { $party } reserva em relação ao uso por IA, conforme publicado com o fermata.

## Análises e manifestos
scans-title = Análises
scans-how = As análises são executadas onde estão os dados: `fermata scan DATASET --model MODEL --use USE --territory XX`. Elas aparecem aqui à medida que terminam.
scans-none = Nenhuma análise ainda.
scan-match = pontuação { $score }, acaso { $chance }
scan-title = Análise { $id }
scan-running = Em andamento
scan-filter = Mostrar arquivos por resultado
scan-all-files = Todos os arquivos
scan-file-pending = Ainda não decidido
scan-request-lead = { $count ->
    [one] { $count } arquivo precisa de licença.
   *[other] { $count } arquivos precisam de licença.
}
scan-request-all = Pedir licença para todas as obras que a exigem
manifests-title = Manifestos
manifests-none = Nenhum manifesto ainda.
manifests-proof = Prova

## Equipe
team-title = Equipe e chaves de API
team-people = Pessoas
team-invite = Convidar alguém
team-invite-make = Criar um link de convite
team-keys = Chaves de API
team-keys-hint = Os programas usam chaves de API; as pessoas entram por aqui.
team-key-make = Criar uma chave de API
team-key-revoke = Revogar { $id }
invite-made = Link de convite, exibido uma única vez. Envie-o à pessoa; ele só pode ser usado uma vez, durante 7 dias.
key-made = Chave de API { $id }, exibida uma única vez. Guarde-a no cofre de segredos do seu programa.
shown-once-hint = Isto não será exibido novamente.
invite-open = Ainda não usado
invite-used = Usado em { $at }

## Verificador de provas
proof-title = Verificar uma prova
proof-lead = Um desenvolvedor publica uma raiz para cada manifesto de treinamento. Uma prova mostra que uma gravação está, ou não está, nesse manifesto. Seu navegador faz a verificação sozinho: nada é enviado ao fermata.
proof-needs-js = Este verificador funciona no seu navegador e precisa de JavaScript.
proof-file = Arquivo de prova
proof-text = Ou cole a prova
proof-root = Raiz publicada
proof-root-hint = 64 caracteres hexadecimais, exatamente como o desenvolvedor publicou.
proof-work = ISRC esperado (opcional)
proof-check = Verificar
proof-busy = Verificando…
proof-included = Válida: { $isrc } está no manifesto { $manifest } de { $developer } para o modelo { $model }.
proof-not-included = Válida: { $isrc } não está no manifesto { $manifest } de { $developer } para o modelo { $model }.
proof-malformed = Inválida: isto não é uma prova do fermata.
proof-version = Inválida: este verificador não lê a versão desta prova.
proof-invalid = Inválida: a prova não leva à raiz publicada. Ela pode ter sido alterada.
proof-wrong-work = Inválida: a prova se refere a uma gravação diferente de { $isrc }.
proof-wrong-root = Inválida: a raiz não é aquela para a qual esta prova foi gerada, ou não é uma raiz.
proof-privacy = A prova é verificada com a criptografia do próprio navegador (SHA-256). Esta página não a envia em nenhuma requisição.

## Transparência
transparency-title = Transparência
transparency-lead = Modelos cujos desenvolvedores publicaram com o fermata um manifesto de treinamento autorizado.
transparency-none = Nenhum manifesto foi publicado ainda.
model-title = Modelo { $model }
model-scans = Análises
model-files = Arquivos da análise mais recente, por resultado
model-check-proof = Verificar uma prova com esta raiz
model-what-it-proves = A raiz sela criptograficamente todos os arquivos autorizados da análise. Ela prova o que o manifesto lista; não pode provar que nenhum outro dado foi usado.
col-certificate = Certificado
cert-heading = Certificados de treino limpo
cert-none = Nenhum certificado foi emitido para este modelo.
cert-training-dates = Datas de treino
cert-status-valid = Válido
cert-status-invalid = Inválido
cert-download = Transferir (JWS)
cert-key-link = A chave pública do emissor (PEM)
cert-verify-link = Verificar um certificado
cert-what-it-proves = Um certificado é a declaração assinada deste registo de que, quando foi emitido, os seus registos mostravam cada obra dos manifestos autorizados do modelo licenciada ou permitida em cada data de treino declarada. Não pode provar que não foram usados outros dados, nem que os relatórios de utilização estão completos.
cert-verify-title = Verificar um certificado
cert-verify-lead = Cole um certificado de treino limpo (um JWS). É verificado aqui com as chaves que este registo publicou; também o pode verificar offline com a chave pública do emissor.
cert-verify-field = Certificado (JWS)
cert-verify-submit = Verificar
cert-valid = Válido: assinado com a chave { $kid } deste registo.
cert-invalid = Inválido: não é um certificado assinado com uma chave deste registo, ou foi alterado.
cert-issuer = Emissor
cert-licences = Licenças
cert-policies = Políticas que permitiram a utilização
cert-usage-reports = Relatórios de utilização

## Uso indevido
misuse-title = Denunciar uso indevido
misuse-lead = Encontrou uma faixa gerada que copia uma gravação, ou uma voz que imita um artista? Avise os titulares de direitos. Se você enviar o arquivo, o fermata verifica quais gravações registradas ele contém.
misuse-kind = O que é?
notice-kind-generated-track = Uma faixa gerada que copia uma gravação
notice-kind-voice-imitation = Uma voz que imita um artista
notice-kind-other = Outra coisa
misuse-subject = Qual artista ou obra
misuse-holder = Gravadora, editora ou artista envolvido
misuse-holder-unknown = Não sei
misuse-isrc = ISRC da gravação (opcional)
misuse-link = Link
misuse-file = O arquivo
misuse-file-hint = Áudio ou vídeo, até { $mb } MB.
misuse-details = O que está errado
misuse-email = Seu e-mail (opcional, para receber resposta)
misuse-send = Enviar a denúncia
misuse-filed-title = Obrigado
misuse-filed-lead = Sua denúncia { $id } foi enviada para: { $holders }.
misuse-found = Gravações registradas encontradas no arquivo
misuse-found-none = Nenhuma gravação registrada foi encontrada no arquivo.
notices-title = Notificações de uso indevido
notices-none = Nenhuma notificação ainda.
notices-move-to = Mover para
notices-note = Observação ou desfecho
notices-save = Salvar
notice-state-received = Recebida
notice-state-acknowledged = Confirmada
notice-state-forwarded = Encaminhada
notice-state-closed = Encerrada

## Importação
nav-import = Importar
import-title = Importar um catálogo
import-lead = Envie seu catálogo (CSV ou DDEX ERN 4) com o áudio das gravações. Nada é registrado a menos que o arquivo inteiro esteja correto; caso contrário, você vê cada problema com a respectiva linha.
import-unavailable = Para importar pelo navegador, o servidor precisa conhecer o diretório do fermata (isso acontece quando ele é iniciado com fermata serve).
import-no-catalogue = Escolha o arquivo do catálogo.
import-catalogue = Arquivo do catálogo (CSV ou DDEX XML)
import-catalogue-hint = O arquivo indica o áudio de cada gravação com caminhos relativos a uma mesma pasta.
import-audio = Arquivos de áudio ou um zip
import-audio-hint = Escolha todos os arquivos de áudio indicados no catálogo ou um zip que os contenha.
import-start = Importar
import-checking = Verificando o catálogo…
import-progress = Gerando as impressões digitais de áudio: { $done } de { $of } arquivos.
import-failed-files = { $count ->
    [one] { $count } arquivo não pôde ser lido
   *[other] { $count } arquivos não puderam ser lidos
}
import-refresh = Esta página é atualizada automaticamente.
import-failed = A importação falhou:
import-rejected = Nada foi registrado: o catálogo tem estes problemas.
import-again = Tentar novamente
import-done = O catálogo foi importado.
import-records = Registros no arquivo
import-added = Obras novas
import-updated = Obras atualizadas
import-unchanged = Obras sem alteração
import-conflicts = Obras registradas por outro titular
import-awaiting = Alterações de participação aguardando outros titulares
import-tracks = Gravações com impressão digital de áudio
import-hours = Horas de áudio
import-notes = Observações
col-line = Linha
col-field = Campo

## Cadastro e operador
nav-sign-up = Cadastre-se
nav-operator = Operador
role-operator = Operador do registro
kind-label = Gravadora
kind-publisher = Editora
kind-artist = Artista
kind-society = Associação de gestão coletiva
kind-developer = Desenvolvedor de IA
kind-auditor = Auditor
kind-operator = Operador do registro
sign-up-title = Junte-se ao fermata
sign-up-lead = Gravadoras, editoras, artistas, associações de gestão coletiva e desenvolvedores de IA podem se cadastrar. O operador do registro verifica cada pedido antes de ativar a conta.
sign-up-kind = Você é
sign-up-party-id = Nome curto da sua organização
sign-up-party-id-hint = Letras minúsculas, números e hifens (ex.: indie-records). Ele aparece nos registros e não pode ser alterado.
sign-up-about = Sobre você
sign-up-about-hint = Um site, o tamanho do seu catálogo ou o número de registro da sua associação de gestão coletiva: qualquer informação que ajude o operador a verificar quem você é.
sign-up-send = Pedir cadastro
sign-up-received-title = Pedido recebido
sign-up-received = Obrigado. O operador vai analisar seu pedido; quando ele for aprovado, você poderá entrar com { $email }.
operator-title = Operador
operator-pending = Pedidos de cadastro
operator-decided = Pedidos decididos
operator-reason = Motivo (em caso de recusa)
operator-approve = Aprovar
operator-refuse = Recusar
operator-parties = Organizações
signup-pending = Aguardando
signup-approved = Aprovado
signup-refused = Recusado

## Ofertas
nav-offers = Ofertas
offers-title = Ofertas
offers-lead = Uma oferta permanente publica suas condições para um uso. Os pedidos feitos com base nela chegam à sua caixa de entrada, ou são aprovados na hora, se você quiser.
col-offer = Oferta
offers-auto = Aprovação imediata
offers-auto-hint = Aprovar na hora os pedidos feitos com base nesta oferta
offers-publish = Publicar uma oferta
offers-works-hint = ISRCs separados por vírgulas; deixe em branco para todo o seu catálogo.
offers-withdraw = Retirar { $id }
offers-withdrawn = Retirada em { $at }
yes = Sim
no = Não

## Usage and EU summary
nav-usage = Uso
nav-eu-summary = Resumo UE
col-report = Relatório
col-run = Execução de treinamento
col-cleared-by = Autorizado por
col-date = Data
usage-title = Relatórios de uso
usage-lead = Informe o que cada execução de treinamento usou: as obras e os segundos de cada uma. Só podem ser informadas obras autorizadas para você, para esse uso, território e dia; caso contrário, nada é registrado e a tentativa fica no registro de auditoria.
usage-none = Nenhum uso informado ainda.
usage-report = Informar uso
usage-no-scan = Nenhuma análise
usage-scan-hint = A análise concluída que autorizou os dados (opcional).
usage-no-manifest = Nenhum manifesto
usage-use-of-scan = O uso da análise ou do manifesto
usage-territory-hint = Onde o treinamento ocorreu: um código de país (por ex., DE) ou WORLD.
usage-works = Obras usadas
usage-works-hint = Uma obra por linha: ISRC,segundos (por ex., ZZAAA2600001,90).
usage-file = Ou um arquivo CSV
usage-file-hint = Um arquivo CSV com o cabeçalho isrc,seconds; se você escolher um, as linhas acima são ignoradas.
usage-submit = Informar uso
usage-not-text = O arquivo não é um arquivo de texto (UTF-8).
eu-title = Resumo UE do conteúdo de treinamento
eu-lead = O resumo público do conteúdo de treinamento que o Regulamento de IA (art. 53.º, n.º 1, alínea d) exige do fornecedor de um modelo de IA de finalidade geral, no modelo do Serviço para a IA. O fermata preenche o que seus registros dizem sobre o modelo (análises, licenças, manifestos, uso); você preenche o resto.
eu-no-models = Nenhuma das suas análises foi concluída ainda: o resumo é feito a partir delas.
eu-none-hint = Responda a cada pergunta de Sim/Não; um Sim exige os campos que o seguem, um Não não exige nenhum. Escreva "none" onde um campo de texto não se aplica. O resumo é redigido em inglês, como o modelo.
eu-provider-name = Nome do fornecedor
eu-provider-contact = Dados de contato do fornecedor
eu-representative = Mandatário na União
eu-model-version = Versão do modelo
eu-placed-on-market = Data de colocação no mercado da União
eu-dependencies = Modelos em que este se baseia
eu-other-modalities = Outras modalidades, com seu tamanho e conteúdo
eu-public-datasets = Conjuntos de dados públicos
eu-public-datasets-hint = Um por linha: o nome e depois o link (por ex., Free Music Archive https://example.org/fma). Deixe em branco se nenhum foi usado.
eu-private-datasets = Conjuntos de dados privados de outros terceiros
eu-crawled-data = Dados coletados por rastreamento da web
eu-user-data = Dados de usuários
eu-synthetic-data = Dados sintéticos
eu-other-sources = Outras fontes
eu-illegal-content = Medidas para remover conteúdo ilegal
eu-other-information = Outras informações
eu-optional = Opcional.
eu-preview-button = Pré-visualizar
eu-download-md = Baixar em Markdown
eu-download-html = Baixar em HTML
eu-download-json = Baixar em JSON
eu-preview = Pré-visualização
eu-preview-hint = Confira o resumo e baixe-o no formato em que vai publicá-lo.
eu-summary-version = Versão do resumo
eu-last-update = Data da última atualização
eu-sme = O fornecedor é uma pequena ou média empresa (PME)?
eu-other-modalities-hint = Modalidades além do áudio, uma por linha: modalidade; faixa de tamanho; tipos de conteúdo (por ex., text; Less than 1 billion tokens; letras de músicas). Deixe em branco se não houver.
eu-linguistic = Características linguísticas dos dados de treinamento
eu-other-characteristics = Outras características relevantes dos dados de treinamento
eu-yes = Sim
eu-no = Não
eu-modalities = Modalidades do conteúdo
eu-modalities-hint = Separadas por vírgulas: text, image, video, audio, other. Deixe em branco para um Não.
eu-public-used = Foram usados conjuntos de dados disponíveis publicamente?
eu-public-large = Grandes conjuntos de dados disponíveis publicamente
eu-public-other = Outros conjuntos de dados públicos, em termos gerais
eu-private-used = Foram obtidos conjuntos de dados privados de outros terceiros?
eu-private-known = Os que são publicamente conhecidos, um por linha
eu-description = Descrição
eu-crawling-used = O fornecedor, ou alguém em seu nome, usou rastreadores web?
eu-crawler-names = Nomes ou identificadores dos rastreadores
eu-crawler-purposes = Finalidades dos rastreadores
eu-crawler-behaviour = Como os rastreadores se comportam
eu-crawl-period = Período de coleta de dados
eu-crawl-content = Tipo de conteúdo e fontes online rastreadas
eu-user-model = Foram usados dados das interações dos usuários com o modelo?
eu-user-services = Foram usados dados de usuários de outros serviços ou produtos do fornecedor?
eu-user-description = Serviços ou produtos de onde vêm os dados de usuários
eu-synthetic-used = Foram usados dados sintéticos gerados por IA?
eu-synthetic-description = Os modelos de IA usados para gerá-los
eu-other-used = Foram usadas outras fontes de dados?
eu-processing = Tratamento dos dados
eu-cop = O fornecedor é signatário do Código de Conduta para modelos de IA de finalidade geral?
eu-reservation-measures = Medidas para respeitar reservas de direitos além do fermata

## Remuneração: taxas, modelos, exportações
col-remuneration = Remuneração
offers-remuneration-hint = Como um preço de participação no fundo é repartido nos extratos: pelo tempo usado, em partes iguais entre as obras usadas, ou por quanto das suas gravações é encontrado nas saídas geradas do desenvolvedor.
remuneration-pro-rata = Proporcional (pelo tempo usado)
remuneration-equal-split = Partes iguais (por obra usada)
remuneration-attribution = Atribuição (pelo que é encontrado nas saídas geradas)
col-fees = Taxas
col-pool-part = Parte do fundo
col-term-from = Período a partir de
col-included = Incluída
statement-fees = Taxas das licenças
statement-fee-other-currency = Não: outra moeda
licences-renew = Renovar { $id }
licences-renew-hint = Renovar volta a pedir aos titulares de direitos as mesmas obras, o mesmo uso e os mesmos territórios, por um prazo de igual duração que começa no dia seguinte ao fim da licença. Aplicam-se as condições atuais deles.
## Webhooks
nav-webhooks = Webhooks
webhooks-title = Webhooks
webhooks-hint = O fermata envia uma mensagem assinada para estes endereços quando algo precisa da atenção da sua parte: novos itens de pedido, decisões, licenças concedidas, revogadas ou prestes a terminar, notificações de uso indevido, demonstrativos e análises concluídas. O receptor verifica cada mensagem com o segredo mostrado quando o ponto de recepção é adicionado.
col-webhook = Ponto de recepção
field-url = Endereço (URL)
col-events = Eventos
webhook-all-events = Todos os eventos
webhook-active = Ativo
webhook-disabled = Desativado desde { $at }: o receptor respondeu 410 Gone
webhook-test = Enviar um teste para { $id }
webhook-remove = Remover { $id }
webhooks-add = Adicionar um ponto de recepção
webhooks-events-legend = Eventos a enviar (nenhum marcado: todos)
webhooks-add-make = Adicionar o ponto de recepção
webhook-made = Ponto de recepção { $id } adicionado. Seu segredo de assinatura, mostrado uma única vez:
webhooks-back = Todos os pontos de recepção
webhook-log-title = Registro de envios de { $id }
webhook-log-hint = Uma mensagem que o receptor não aceita é reenviada após 10 segundos, 1 minuto, 5 minutos, 30 minutos, 2 horas, 6 horas e 24 horas, e depois abandonada.
col-delivery = Envio
col-event = Evento
col-attempts = Tentativas
col-next-attempt = Próxima tentativa
col-last-answer = Última resposta
webhook-replay = Reenviar { $id }
webhook-event-request-received = Novos itens de pedido
webhook-event-request-decided = Item de pedido decidido
webhook-event-licence-granted = Licença concedida
webhook-event-licence-revoked = Licença revogada
webhook-event-licence-expiring = Licença que termina em menos de 30 dias
webhook-event-notice-received = Notificação de uso indevido recebida
webhook-event-statement-issued = Demonstrativo emitido
webhook-event-scan-finished = Análise concluída
webhook-event-ping = Mensagem de teste
webhook-delivery-pending = À espera de envio
webhook-delivery-delivered = Entregue
webhook-delivery-failed = Abandonado

## Attribution of generated outputs, and issuing certificates (issue 15)
nav-attribution = Atribuição
attribution-title = Atribuição de saídas
attribution-lead = Envie o áudio que o seu modelo gerou: o fermata encontra as gravações registadas que se ouvem em cada ficheiro e regista durante quantos milissegundos cada obra se ouve. Os extratos com o modelo de atribuição pagam aos titulares conforme o que for encontrado.
attribution-new = Atribuir saídas
attribution-date-hint = O dia a que o relatório corresponde nos extratos.
attribution-files = Ficheiros de áudio gerados
attribution-files-hint = Até { $count } ficheiros, cada um com 64 MiB no máximo, 256 MiB no total.
attribution-submit = Procurar gravações registadas
attribution-unavailable = A atribuição não está disponível neste servidor: ele tem de ser iniciado com `fermata serve` no seu diretório.
attribution-past = Relatórios de atribuição anteriores
attribution-none = Ainda não há nenhum relatório de atribuição.
attribution-outputs = Saídas
attribution-ms = Milissegundos encontrados
attribution-no-files = Escolha pelo menos um ficheiro gerado.
attribution-too-many = Envie no máximo { $count } ficheiros de cada vez.
attribution-too-large = Um ficheiro tem mais de 64 MiB, ou os ficheiros juntos têm mais de 256 MiB.
attribution-report-title = Relatório de atribuição { $id }
attribution-recorded = Registado
attribution-per-output = Obras encontradas em cada saída
attribution-output = Saída
attribution-length-ms = Duração (ms)
attribution-nothing-found = Nenhuma gravação registada encontrada
attribution-totals = Totais por obra
attribution-what-it-counts = Correspondências sobrepostas da mesma obra numa saída contam uma só vez.
attribution-back = Voltar à atribuição
cert-issue-button = Emitir certificado
cert-issue-hint = Assinado por este registo quando todas as obras dos manifestos autorizados do modelo tinham licença ou uma política que as permitia em cada data de treino.
cert-issue-unavailable = Não é possível emitir certificados neste servidor: ele tem de ser iniciado com `fermata serve` no seu diretório.
cert-issue-no-manifest = O modelo ainda não tem nenhum manifesto autorizado: crie um a partir de cada análise concluída.
cert-issue-no-usage = O modelo não tem nenhum relatório de utilização: as datas de treino são as dos seus relatórios de utilização.
cert-refused-title = Sem certificado para { $model }
cert-refused-lead = { $count ->
    [one] Falta a uma obra uma licença ou uma política que a permitisse numa data de treino:
   *[other] Falta a { $count } obras uma licença ou uma política que as permitisse numa data de treino:
}
cert-refused-why = Motivo
cert-refused-fix = Peça as licenças em falta (ou peça aos titulares que alterem as suas políticas) e volte a emitir.
cert-refused-back = Voltar ao modelo
