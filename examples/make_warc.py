#!/usr/bin/env python3
"""Write examples/crawl.warc.gz, a small sample WARC for tamis.

Deterministic and stdlib-only: fixed record IDs (uuid5), fixed dates, gzip mtime 0, one gzip
member per record (the way Common Crawl ships its WARC files). Running it twice gives the same
bytes. After writing, the file is read back and checked (one record per member, exact
Content-Length, record trailer, digests).

Contents: a warcinfo record; for each of 8 news pages a request and a response record (HTML
pages built around articles from examples/pages/, with navigation, cookie banner, share widgets,
ads, newsletter box and footer around the <article>); one page served as windows-1252 and
declared only in the HTTP header; an image/png response; an HTTP 404 response.

All sites, people and places are fictional; the text was written for the tamis project.

Usage: python3 examples/make_warc.py [output-path]
"""

import base64
import gzip
import hashlib
import html
import io
import json
import os
import struct
import sys
import unicodedata
import uuid
import zlib

CRAWL = "tamis-sample-2026-05"
NS = uuid.UUID("6f1d2c1e-7a51-4c1b-9d0e-2b7f3a9e4c10")  # namespace for deterministic record IDs
USER_AGENT = "tamis-sample-crawler/0.1 (+https://example.org/tamis-crawler)"

# --- sites: page furniture per (fictional) site; the same lines appear on the .txt pages --------

SITES = {
    'lequotidien': {
        'name': 'Le Quotidien Exemple',
        'lang': 'fr',
        'nav': ['Accueil', 'Actualités', 'Économie', 'Société', 'Environnement', 'Sport', 'Culture'],
        'login': 'Se connecter',
        'subscribe': "S'abonner",
        'follow': 'Suivez-nous sur Facebook',
        'share': 'Partager',
        'share_bottom': 'Partagez cet article',
        'share_targets': ['Facebook', 'X', 'E-mail', 'Copier le lien'],
        'newsletter': ["Recevez chaque matin l'essentiel de l'actualité", 'Votre adresse e-mail', "Je m'inscris"],
        'cookie': [
            "Nous utilisons des cookies pour mesurer l'audience, personnaliser les contenus et vous proposer des publicités adaptées. Vous pouvez accepter, refuser ou paramétrer vos choix à tout moment.",
            'Tout accepter',
            'Tout refuser',
            'Paramétrer',
        ],
        'noscript': 'Pour profiter de toutes les fonctionnalités du site, activez JavaScript dans votre navigateur.',
        'ad': 'Publicité',
        'consent': "Les données recueillies lors de votre inscription sont traitées par Le Quotidien Exemple afin de vous adresser nos lettres d'information et, avec votre accord, des offres de nos partenaires. Vous pouvez vous opposer à tout moment à cet usage en cliquant sur le lien de désinscription présent dans chacun de nos envois, ou en écrivant à notre délégué à la protection des données.",
        'disclaimer': "Les articles de ce site sont rédigés par la rédaction du Quotidien Exemple ou proviennent de dépêches d'agences partenaires. Toute reproduction, même partielle, est interdite sans accord écrit.",
        'footer': '© 2026 Le Quotidien Exemple – Mentions légales – Politique de confidentialité – Gérer mes cookies – Nous contacter',
        'trending_head': 'Tendances',
        'trending': [
            'Météo : un week-end pluvieux attendu sur tout le département',
            'Retraites : ce qui change au 1er janvier',
            'Un automobiliste interpellé après une course-poursuite sur la rocade',
            "Festival d'été : la programmation enfin dévoilée",
            'Immobilier : les prix reculent pour la deuxième année consécutive',
        ],
    },
    'gazetteduval': {
        'name': 'La Gazette du Val',
        'lang': 'fr',
        'nav': ['Actualités', 'Environnement', 'Sport', 'Agenda', 'Petites annonces'],
        'login': 'Mon compte',
        'subscribe': 'Abonnez-vous dès 1 € le premier mois',
        'follow': 'Rejoignez-nous sur Facebook',
        'share': 'Partager',
        'share_bottom': 'Partagez cet article',
        'share_targets': ['Facebook', 'X', 'WhatsApp'],
        'newsletter': ['La lettre de la Gazette', 'Votre e-mail', "S'inscrire"],
        'cookie': [
            "Avec votre accord, nos partenaires et nous utilisons des cookies pour la mesure d'audience et l'affichage de publicités personnalisées. Vous pouvez changer d'avis à tout moment depuis la page « Cookies ».",
            'Accepter',
            'Refuser',
            'Personnaliser',
        ],
        'noscript': 'Ce site fonctionne mieux avec JavaScript activé.',
        'ad': 'Publicité',
        'consent': "Ces informations sont destinées à La Gazette du Val et à ses sous-traitants afin de gérer votre inscription à la newsletter. Vous disposez d'un droit d'accès, de rectification et d'opposition, que vous pouvez exercer en écrivant à dpo@lagazetteduval-exemple.fr ou en utilisant le lien de désabonnement présent dans chaque lettre.",
        'disclaimer': "La Gazette du Val publie des articles de sa rédaction, de ses correspondants locaux de presse et de l'agence Exemple Presse. Les correspondants locaux ne sont pas des journalistes professionnels.",
        'footer': 'La Gazette du Val · Plan du site · Mentions légales · Données personnelles · Cookies · Contact',
        'trending_head': 'Tendances',
        'trending': [
            "Les horaires des déchetteries modifiés pendant l'été",
            'Un feu de broussailles maîtrisé de justesse près de Courvac',
            'Marché nocturne : le succès se confirme à Mérigny',
            "Rentrée décalée d'une journée dans deux collèges du secteur",
        ],
    },
    'dailyledger': {
        'name': 'The Daily Ledger',
        'lang': 'en',
        'nav': ['News', 'Business', 'Politics', 'Local', 'Culture', 'Sport', 'Opinion'],
        'login': 'Sign in',
        'subscribe': 'Subscribe',
        'follow': 'Follow us on Facebook',
        'share': 'Share this article',
        'share_bottom': 'Share this article',
        'share_targets': ['Facebook', 'X', 'Email', 'Copy link'],
        'newsletter': ['Sign up for the Morning Ledger', 'Enter your email', 'Sign up'],
        'cookie': [
            'We use cookies to keep the site working, understand how it is used and show you relevant adverts. You can accept them all or choose which ones to allow.',
            'Accept all',
            'Reject non-essential',
            'Cookie settings',
        ],
        'noscript': 'Please enable JavaScript to get the best experience on this site.',
        'ad': 'Advertisement',
        'consent': 'By signing up you agree that The Daily Ledger may use your email address to send you newsletters and occasional offers from carefully selected partners. You can unsubscribe at any time using the link at the bottom of every email. Read our privacy notice for details of how we handle your data.',
        'disclaimer': 'The Daily Ledger publishes reporting from its own newsroom and from licensed news agencies. Articles may not be reproduced without written permission.',
        'footer': '© 2026 Ledger Media Group Ltd. All rights reserved. | Terms of use | Privacy notice | Cookie settings | Contact us',
        'trending_head': 'Trending',
        'trending': [
            'Five things to do this weekend',
            'House prices dip for third month in a row',
            'Road closures planned as bridge repairs begin',
            'Schools warned over rising heating bills',
            'Walker rescued after falling into disused quarry',
        ],
    },
    'harbourtimes': {
        'name': 'Harbour Times',
        'lang': 'en',
        'nav': ['Home', 'News', 'Island life', 'Business', 'Sport', "What's on", 'Jobs', 'Property'],
        'login': 'Log in',
        'subscribe': 'Register',
        'follow': 'Like us on Facebook',
        'share': 'Share:',
        'share_bottom': 'Share:',
        'share_targets': ['Facebook', 'X', 'WhatsApp', 'Email'],
        'newsletter': ['Get the Harbour Times morning briefing', 'Your email address', 'Sign me up'],
        'cookie': [
            'Harbour Times uses cookies to remember your settings and to help fund local journalism through advertising. Choose whether to allow optional cookies.',
            'Allow all',
            'Essential only',
            'Manage',
        ],
        'noscript': 'JavaScript is switched off in your browser. Some features will not work.',
        'ad': 'Advertisement',
        'consent': 'We will use the details you provide to send you the Harbour Times morning briefing. Every email includes a one-click unsubscribe link, and you can change your preferences at any time from your account page.',
        'disclaimer': 'Harbour Times is part of Coastline Community Media. Some stories are supplied by our regional news partners and are marked as such.',
        'footer': '© Harbour Times 2026 | About us | Advertise with us | Privacy policy | Cookies | Accessibility',
        'trending_head': 'Most read',
        'trending': [
            'Lifeboat crew called out twice in one night',
            'Harbour car park charges set to rise',
            'Seal pup released back to the wild after rehabilitation',
            'Plans lodged for 24 homes on former hotel site',
        ],
    },
    'tagblatt': {
        'name': 'Tagblatt Beispiel',
        'lang': 'de',
        'nav': ['Startseite', 'Region', 'Politik', 'Wirtschaft', 'Sport', 'Kultur'],
        'login': 'Anmelden',
        'subscribe': 'Jetzt abonnieren',
        'follow': 'Folgen Sie uns auf Facebook',
        'share': 'Teilen',
        'share_bottom': 'Artikel teilen',
        'share_targets': ['Facebook', 'X', 'WhatsApp', 'E-Mail'],
        'newsletter': ['Newsletter', 'Ihre E-Mail-Adresse', 'Jetzt anmelden'],
        'cookie': [
            'Wir verwenden Cookies, um unsere Website zu betreiben, die Nutzung zu analysieren und Ihnen passende Werbung anzuzeigen. Sie können alle akzeptieren oder Ihre Auswahl anpassen.',
            'Alle akzeptieren',
            'Ablehnen',
            'Einstellungen',
        ],
        'noscript': 'Bitte aktivieren Sie JavaScript, um alle Funktionen dieser Seite zu nutzen.',
        'ad': 'Anzeige',
        'consent': 'Mit Ihrer Anmeldung zum Newsletter willigen Sie ein, dass das Tagblatt Beispiel Ihre E-Mail-Adresse für den Versand redaktioneller Inhalte und gelegentlicher Angebote nutzt. Sie können diese Einwilligung jederzeit über den Abmeldelink am Ende jeder E-Mail widerrufen.',
        'disclaimer': 'Die Inhalte dieser Seite stammen von der Redaktion des Tagblatt Beispiel sowie von Nachrichtenagenturen, mit denen wir zusammenarbeiten. Eine Weiterverwendung ist nur mit schriftlicher Genehmigung gestattet.',
        'footer': '© 2026 Tagblatt Beispiel Verlags-GmbH | Impressum | Datenschutz | Cookie-Einstellungen | AGB | Kontakt',
        'trending_head': 'Meistgelesen',
        'trending': [
            'Wetter: Erster Frost in der Nacht zum Sonntag erwartet',
            'Stadtrat beschließt höhere Parkgebühren',
            'Einbruchsserie in Wiesbrunn: Polizei sucht Zeugen',
            'Weihnachtsmarkt öffnet eine Woche früher',
        ],
    },
    'lacronica': {
        'name': 'La Crónica Ejemplo',
        'lang': 'es',
        'nav': ['Portada', 'Nacional', 'Economía', 'Sociedad', 'Deportes', 'Cultura'],
        'login': 'Iniciar sesión',
        'subscribe': 'Suscríbete',
        'follow': 'Síguenos en Facebook',
        'share': 'Compartir',
        'share_bottom': 'Comparte esta noticia',
        'share_targets': ['Facebook', 'X', 'WhatsApp', 'Correo'],
        'newsletter': ['Recibe nuestro boletín', 'Tu correo electrónico', 'Suscribirme'],
        'cookie': [
            'Utilizamos cookies propias y de terceros para analizar el uso del sitio y mostrarte publicidad relacionada con tus preferencias. Puedes aceptarlas todas, rechazarlas o configurarlas.',
            'Aceptar todo',
            'Rechazar',
            'Configurar',
        ],
        'noscript': 'Activa JavaScript para disfrutar de todas las funciones de este sitio.',
        'ad': 'Publicidad',
        'consent': 'Los datos que nos facilitas al registrarte serán tratados por La Crónica Ejemplo para enviarte nuestros boletines y, si lo aceptas, comunicaciones comerciales. Puedes darte de baja en cualquier momento desde el enlace que figura al pie de cada correo o ejercer tus derechos escribiendo a nuestro delegado de protección de datos.',
        'disclaimer': 'Las noticias publicadas en este sitio son elaboradas por la redacción de La Crónica Ejemplo o proceden de agencias con las que mantiene acuerdos de colaboración. Queda prohibida su reproducción total o parcial sin autorización.',
        'footer': '© 2026 La Crónica Ejemplo · Aviso legal · Política de privacidad · Política de cookies · Contacto',
        'trending_head': 'Lo más leído',
        'trending': [
            'El tiempo: aviso amarillo por calor en el interior',
            'Hacienda amplía el plazo para presentar la declaración',
            'Cortes de tráfico por obras en la avenida principal',
            'Las matrículas universitarias se abren el lunes',
        ],
    },
    'jornaldaribeira': {
        'name': 'Jornal da Ribeira',
        'lang': 'pt',
        'nav': ['Início', 'Região', 'Política', 'Economia', 'Desporto', 'Cultura', 'Opinião'],
        'login': 'Entrar',
        'subscribe': 'Assinar',
        'follow': 'Siga-nos no Facebook',
        'share': 'Partilhar',
        'share_bottom': 'Partilhe este artigo',
        'share_targets': ['Facebook', 'X', 'WhatsApp'],
        'newsletter': ['Receba a nossa newsletter', 'O seu email', 'Subscrever'],
        'cookie': [
            'Utilizamos cookies para melhorar a sua experiência, analisar o tráfego e apresentar publicidade personalizada. Pode aceitar todos ou escolher quais permite.',
            'Aceitar todos',
            'Rejeitar',
            'Definições',
        ],
        'noscript': 'Ative o JavaScript para utilizar todas as funcionalidades do site.',
        'ad': 'Publicidade',
        'consent': 'Os dados recolhidos no registo são tratados pelo Jornal da Ribeira para o envio da newsletter. Pode cancelar a subscrição a qualquer momento através da ligação no final de cada email.',
        'disclaimer': 'Os conteúdos deste site são produzidos pela redação do Jornal da Ribeira ou por agências noticiosas parceiras. Reprodução proibida sem autorização.',
        'footer': '© 2026 Jornal da Ribeira · Estatuto editorial · Ficha técnica · Privacidade · Cookies',
        'trending_head': 'Mais lidas',
        'trending': [
            'Incêndio consome mato junto à estrada nacional',
            'Festas da vila regressam com programa alargado',
            'Centro de saúde alarga horário aos sábados',
        ],
    },
    'gazetamiejska': {
        'name': 'Gazeta Miejska',
        'lang': 'pl',
        'nav': ['Strona główna', 'Wiadomości', 'Region', 'Biznes', 'Sport', 'Kultura'],
        'login': 'Zaloguj się',
        'subscribe': 'Wykup prenumeratę',
        'follow': 'Obserwuj nas na Facebooku',
        'share': 'Udostępnij',
        'share_bottom': 'Udostępnij ten artykuł',
        'share_targets': ['Facebook', 'X', 'E-mail'],
        'newsletter': ['Zapisz się do newslettera', 'Twój adres e-mail', 'Zapisz się'],
        'cookie': [
            'Używamy plików cookie, aby serwis działał poprawnie, analizować ruch i wyświetlać dopasowane reklamy. Możesz zaakceptować wszystkie lub wybrać, na które się zgadzasz.',
            'Akceptuję wszystkie',
            'Odrzuć',
            'Ustawienia',
        ],
        'noscript': 'Włącz JavaScript, aby korzystać ze wszystkich funkcji serwisu.',
        'ad': 'Reklama',
        'consent': 'Administratorem danych podanych przy zapisie do newslettera jest wydawca Gazety Miejskiej. Dane wykorzystujemy wyłącznie do wysyłki newslettera, a zgodę można wycofać w dowolnym momencie, klikając link w stopce wiadomości.',
        'disclaimer': 'Treści publikowane w serwisie pochodzą od redakcji Gazety Miejskiej oraz agencji informacyjnych, z którymi współpracujemy. Kopiowanie bez zgody redakcji jest zabronione.',
        'footer': '© 2026 Gazeta Miejska · Regulamin · Polityka prywatności · Ustawienia cookies · Kontakt',
        'trending_head': 'Najczęściej czytane',
        'trending': [
            'Remont wiaduktu: objazdy potrwają do wakacji',
            'Nowy park miejski otwarty dla mieszkańców',
            'Rekordowa frekwencja na miejskim półmaratonie',
        ],
    },
}

# --- pages: articles (same text as the matching examples/pages/*.txt files) ---------------------

PAGES = [
    {
        'site': 'lequotidien',
        'url': 'https://www.lequotidien-exemple.fr/economie/boulangeries-la-facture-d-energie-grignote-les-marges-2026-01-12',
        'charset': 'utf-8',
        'content_type': 'text/html; charset=utf-8',
        'published': '2026-01-12T06:30:00+01:00',
        'date_label': '12 janvier 2026',
        'http_date': 'Mon, 12 Jan 2026 05:30:00 GMT',
        'ip': '192.0.2.10',
        'section': 'Économie',
        'title': "Boulangeries : la facture d'énergie continue de grignoter les marges des artisans",
        'byline': 'Par Claire Fontanel',
        'paras': [
            "Trois ans après la flambée des prix de l'électricité, de nombreux boulangers de la région n'ont toujours pas retrouvé leurs marges d'avant la crise. Dans les fournils, les fours tournent dès trois heures du matin, et chaque renouvellement de contrat est vécu comme un quitte ou double.",
            "À Villeneuve-sur-Ardelle, Mathieu Roux a repris la boulangerie de ses parents en 2019. « Mon contrat à prix fixe arrive à échéance en juin. Le fournisseur me propose un tarif en baisse par rapport à l'an dernier, mais toujours presque deux fois supérieur à celui de 2021 », explique-t-il en sortant une fournée de pains de campagne. Pour compenser, il a déjà réduit les horaires d'ouverture le lundi et renoncé à embaucher un second apprenti.",
            "La chambre de métiers estime qu'environ une boulangerie sur cinq du département a vu son résultat d'exploitation devenir négatif au moins une année depuis 2022. Les aides exceptionnelles mises en place par l'État ont amorti le choc, sans le faire disparaître. « Beaucoup d'artisans ont puisé dans leur trésorerie ou contracté un prêt garanti qu'il faut maintenant rembourser », résume Sophie Castagnet, conseillère en gestion à la chambre.",
            'Le prix de la baguette, lui, a augmenté plus lentement que les coûts. Dans la plupart des communes du secteur, elle se vend entre 1,10 et 1,30 euro. Les professionnels hésitent à franchir un nouveau palier, de peur de voir leur clientèle se tourner vers les terminaux de cuisson des supermarchés.',
            "Certains misent sur l'investissement. Grâce à un prêt bonifié de la région, une boulangerie du centre-ville a remplacé son four à sole par un modèle mieux isolé, équipé d'un récupérateur de chaleur qui préchauffe l'eau du laboratoire. Son gérant annonce une consommation réduite d'un quart, mais reconnaît que l'amortissement prendra au moins sept ans.",
            "Les organisations professionnelles réclament désormais un tarif réglementé adapté aux très petites entreprises gourmandes en énergie. Le sujet doit être abordé lors d'une réunion avec la préfecture prévue à la fin du mois. En attendant, Mathieu Roux a affiché une petite note près de la caisse : « Ici, le pain est toujours fait maison. Merci de votre fidélité. »",
        ],
    },
    {
        'site': 'gazetteduval',
        'url': 'https://www.lagazetteduval-exemple.fr/environnement/secheresse-irrigation-restreinte-bassin-verane',
        'charset': 'windows-1252',
        'content_type': 'text/html; charset=windows-1252',
        'published': '2026-01-20T18:05:00+01:00',
        'date_label': '20/01/2026',
        'http_date': 'Wed, 28 Jan 2026 22:10:00 GMT',
        'ip': '192.0.2.11',
        'section': 'Environnement',
        'title': "Sécheresse : l'irrigation restreinte dans tout le bassin de la Vérane",
        'byline': 'Nadia Benali',
        'paras': [
            "Le niveau de la Vérane continue de baisser. Faute de pluies significatives depuis la mi-juin, la préfecture a placé mardi l'ensemble du bassin versant en alerte renforcée. L'arrêté, applicable dès jeudi, interdit l'irrigation des cultures entre 9 heures et 20 heures, sauf pour le maraîchage et les pépinières, qui bénéficient d'un régime dérogatoire.",
            "Au pont de Mérigny, la station de mesure enregistrait lundi un débit de 0,41 mètre cube par seconde, contre plus d'un mètre cube habituellement à cette période. « Nous sommes en dessous du seuil de vigilance depuis trois semaines et la tendance ne s'inverse pas », indique le service départemental chargé de la police de l'eau.",
            "Pour les particuliers, les restrictions concernent le lavage des véhicules hors stations professionnelles, le remplissage des piscines privées et l'arrosage des pelouses. Les potagers peuvent encore être arrosés le soir. Les contrevenants s'exposent à une amende pouvant atteindre 1 500 euros, même si les services de l'État privilégient, disent-ils, la pédagogie.",
            "Chez les agriculteurs, l'inquiétude monte. Gaëlle Dumoulin cultive du maïs et du tournesol sur 110 hectares près de Courvac. « Le maïs est en pleine floraison, c'est le moment où il a le plus besoin d'eau. Si on ne peut arroser que la nuit, il faudra faire tourner les enrouleurs sans arrêt, avec le matériel qu'on a. » La chambre d'agriculture a demandé un aménagement des horaires, qui n'a pas été accordé à ce stade.",
            "Les pêcheurs, eux, surveillent la température de l'eau. Dans plusieurs affluents, les fédérations ont déjà procédé à des pêches de sauvegarde pour déplacer les truites vers des secteurs mieux oxygénés. Un comité de suivi se réunira de nouveau vendredi ; un passage en crise, qui suspendrait presque tous les prélèvements, n'est pas exclu si la situation se dégrade encore.",
        ],
    },
    {
        'site': 'dailyledger',
        'url': 'https://www.dailyledger-example.com/culture/2026/01/libraries-scrap-late-fees-overdue-books-return',
        'charset': 'utf-8',
        'content_type': 'text/html; charset=utf-8',
        'published': '2026-01-22T07:00:00+00:00',
        'date_label': '22 January 2026',
        'http_date': 'Thu, 22 Jan 2026 07:00:00 GMT',
        'ip': '192.0.2.12',
        'section': 'Culture',
        'title': 'Libraries scrap late fees and see thousands of overdue books come home',
        'byline': 'By Hannah Pryce',
        'paras': [
            'When the county library service stopped charging late fees last spring, some staff expected chaos. Instead, nearly 6,400 long-overdue books, DVDs and audiobooks have been returned in the twelve months since, according to figures published this week.',
            'The service had collected about £41,000 a year in fines before the change, a small share of its budget but, managers argued, a real barrier for some readers. Exit surveys found that families on low incomes were among the most likely to stop using the library after receiving a fine, often because children had borrowed books that were then lost or damaged.',
            '"People were embarrassed to come back," said Helen Okafor, who runs the branch in Millbrook. "We had a grandmother who returned eleven picture books she had kept in a cupboard for two years because she thought she owed more than she could pay. Now she comes in every Saturday with her grandsons."',
            "Membership has risen by 7 per cent over the same period, and the number of children's loans is at its highest level since before the pandemic. Libraries still ask borrowers to pay for items that are never returned, but reminder emails now emphasise bringing books back rather than the cost.",
            "Not everyone is convinced. A member of the county's finance committee said the lost income had to be found elsewhere at a time when opening hours in several villages were already under review. Library managers say the administrative time saved on chasing small debts has covered part of the shortfall.",
            "The change puts the county in line with a growing number of library services that have abandoned fines, arguing that the purpose of a library is to get books into readers' hands rather than to penalise them for being late.",
        ],
    },
    {
        'site': 'harbourtimes',
        'url': 'https://www.harbourtimes-example.co.uk/island-life/island-ferry-cuts-winter-timetable-after-engine-failure',
        'charset': 'utf-8',
        'content_type': 'text/html;charset=UTF-8',
        'published': '2026-01-19T16:45:00+00:00',
        'date_label': '19/01/2026',
        'http_date': 'Mon, 19 Jan 2026 16:45:00 GMT',
        'ip': '192.0.2.13',
        'section': 'Island life',
        'title': 'Island ferry cuts winter timetable after engine failure',
        'byline': 'Reporter: Alasdair Munro',
        'paras': [
            "Passengers travelling between Port Callan and the island of Inchmore face reduced sailings until at least the end of February after one of the route's two ferries was withdrawn with a serious engine fault.",
            'The operator, Callan Sound Ferries, said on Monday that the MV Corran Bay would spend up to six weeks in dry dock while engineers replace a damaged crankshaft. The remaining vessel, the smaller MV Eilidh, will run a reduced timetable of four return crossings a day instead of seven.',
            'Vehicle capacity is the biggest concern for islanders. The Eilidh carries 22 cars, compared with 40 on the larger ship, and bookings for the first two weeks of the revised timetable were full within hours of opening. Priority is being given to emergency services, medical appointments, freight carrying food and fuel, and island residents.',
            'Morag Lindsay, who runs a guesthouse and a small grocery shop on Inchmore, said the timing could have been worse but the uncertainty was hard to plan around. "Winter\'s quiet for visitors, so it\'s really about getting supplies over. If the lorry doesn\'t make it on Thursday, the shelves are empty by Saturday."',
            'The island\'s community council said it was the third significant disruption on the route in eighteen months and called for a firm date for a replacement vessel, first promised in 2021. A spokesperson for the operator said procurement was "progressing" and that a decision on the preferred shipyard was expected in the spring.',
            'The operator has also chartered a passenger-only catamaran to run two extra crossings at weekends, though it cannot sail in winds above force six. Travellers are advised to check the service status page before setting out.',
        ],
    },
    {
        'site': 'tagblatt',
        'url': 'https://www.tagblatt-beispiel.de/region/lindenau/radweg-lindenau-wiesbrunn-bauarbeiten-starten-im-maerz',
        'charset': 'utf-8',
        'content_type': 'text/html; charset=utf-8',
        'published': '2026-01-23T11:20:00+01:00',
        'date_label': '23.01.2026',
        'http_date': 'Fri, 23 Jan 2026 10:20:00 GMT',
        'ip': '192.0.2.14',
        'section': 'Region',
        'title': 'Neuer Radweg zwischen Lindenau und Wiesbrunn: Bauarbeiten starten im März',
        'byline': 'Von Markus Oehlert',
        'paras': [
            'Radfahrer zwischen Lindenau und Wiesbrunn müssen sich nicht mehr lange die schmale Kreisstraße mit Lastwagen teilen. Das Straßenbauamt hat den Auftrag für den seit Jahren geplanten Radweg vergeben; die Arbeiten sollen Anfang März beginnen und bis zum Herbst abgeschlossen sein.',
            'Der neue Weg wird rund 4,2 Kilometer lang und 2,50 Meter breit. Er verläuft größtenteils auf der Ostseite der Straße und wird durch einen Grünstreifen vom Autoverkehr getrennt. An der Einmündung zum Gewerbegebiet ist eine Querungshilfe mit Mittelinsel vorgesehen. Die Kosten von etwa 3,1 Millionen Euro tragen zu zwei Dritteln Bund und Land.',
            'Für viele Anwohner geht damit ein langes Warten zu Ende. Eine Bürgerinitiative hatte bereits 2018 mehr als 1.600 Unterschriften für den Radweg gesammelt, nachdem ein Schüler auf dem Weg zur Gesamtschule schwer verletzt worden war. „Wir haben so oft gehört, dass es bald losgeht, dass wir es erst glauben, wenn der Bagger da ist“, sagt Initiativensprecherin Monika Albers.',
            'Verzögert hatte sich das Projekt vor allem wegen des Grunderwerbs. Für den Weg mussten schmale Streifen von insgesamt 19 Grundstücken gekauft werden, die meisten davon landwirtschaftlich genutzt. Mit zwei Eigentümern kam erst nach längeren Verhandlungen eine Einigung zustande.',
            'Zusätzlich entsteht am Ortseingang von Wiesbrunn eine überdachte Abstellanlage für 30 Fahrräder, direkt an der Bushaltestelle. Pendler sollen so bequemer zwischen Rad und Bus wechseln können. Der Kreistag hatte diesen Zusatz im vergangenen Herbst auf Antrag mehrerer Fraktionen in die Planung aufgenommen.',
            'Während der Bauzeit wird die Kreisstraße abschnittsweise halbseitig gesperrt und der Verkehr mit Ampeln geregelt. Eine Vollsperrung ist nach derzeitiger Planung nur an zwei Wochenenden im Sommer nötig, wenn die Deckschicht aufgetragen wird. Der Busverkehr soll weitgehend ungestört bleiben.',
        ],
    },
    {
        'site': 'lacronica',
        'url': 'https://www.lacronica-ejemplo.es/sociedad/pueblo-ofrece-casa-y-trabajo-para-salvar-su-escuela',
        'charset': 'utf-8',
        'content_type': 'text/html; charset=utf-8',
        'published': '2026-01-25T09:00:00+01:00',
        'date_label': '25 de enero de 2026',
        'http_date': 'Sun, 25 Jan 2026 08:00:00 GMT',
        'ip': '192.0.2.15',
        'section': 'Sociedad',
        'title': 'Un pueblo de 300 habitantes ofrece casa y trabajo para salvar su escuela',
        'byline': 'Por Diego Carrasco',
        'paras': [
            'La escuela de Valdecerezo tiene seis alumnos este curso. Si el próximo septiembre bajan de cuatro, la consejería cerrará el aula y los niños tendrán que recorrer cada día 28 kilómetros de carretera de montaña hasta la cabecera de comarca. Para evitarlo, el ayuntamiento ha lanzado una convocatoria poco habitual: ofrece una vivienda rehabilitada y ayuda para encontrar empleo a familias con hijos en edad escolar.',
            'El municipio ha reformado tres casas de propiedad municipal con fondos europeos y las alquilará por 150 euros al mes durante los primeros cinco años. «No buscamos a cualquiera; queremos gente que venga a quedarse», subraya la alcaldesa, Pilar Sanz. El ayuntamiento se compromete además a mediar con las empresas de la zona, entre ellas una quesería, un aserradero y una residencia de mayores que tiene varias plazas sin cubrir.',
            'En apenas diez días han llegado más de 400 solicitudes desde distintas provincias y también desde el extranjero. Un comité formado por vecinos y técnicos de la mancomunidad las está revisando. Se valorará que al menos uno de los adultos tenga un contrato o un proyecto de trabajo viable, y que la familia haya visitado el pueblo antes de tomar la decisión.',
            'No es la primera vez que Valdecerezo intenta frenar la despoblación. Hace una década, un programa similar atrajo a dos familias, pero ninguna se quedó más de tres años. «Entonces ofrecimos la casa y poco más. Aprendimos que sin trabajo y sin conexión a internet no hay forma de que nadie se asiente», reconoce la alcaldesa. Desde el año pasado, el pueblo cuenta con fibra óptica.',
            'Los vecinos siguen el proceso con expectación. En el bar de la plaza, alguien ha colgado un mapa con chinchetas de colores que marcan el lugar de origen de cada solicitud, y cada mañana hay quien se acerca a contar cuántas se han añadido.',
        ],
    },
    {
        'site': 'jornaldaribeira',
        'url': 'https://www.jornaldaribeira-exemplo.pt/regiao/camara-aprova-plano-para-recuperar-mercado-municipal',
        'charset': 'utf-8',
        'content_type': 'text/html; charset=utf-8',
        'published': '2026-01-24T13:10:00+00:00',
        'date_label': '24 de janeiro de 2026',
        'http_date': 'Sat, 24 Jan 2026 13:10:00 GMT',
        'ip': '192.0.2.16',
        'section': 'Região',
        'title': 'Câmara aprova plano de quatro milhões para recuperar o mercado municipal',
        'byline': 'Rita Fonseca',
        'paras': [
            'O mercado municipal de Vila Nova da Ribeira vai ser totalmente reabilitado. A câmara aprovou na sexta-feira, por unanimidade, um investimento de cerca de quatro milhões de euros para recuperar o edifício dos anos 1940, que perdeu mais de metade dos comerciantes na última década.',
            'O projeto prevê a substituição da cobertura, que tem infiltrações há vários invernos, a criação de uma zona de restauração no piso superior e a abertura de uma praça coberta para feiras de produtores locais ao fim de semana. As bancas de peixe e de fruta mantêm-se no rés-do-chão, com novas câmaras frigoríficas e melhor ventilação.',
            '«O mercado não pode ser só um sítio bonito para turistas. Tem de continuar a ser o lugar onde as pessoas da vila fazem as compras», afirmou a vereadora responsável pelas obras, Ana Paula Correia. As rendas das bancas vão manter-se congeladas durante os dois primeiros anos após a reabertura.',
            'Os comerciantes recebem a notícia com alívio, mas também com alguma apreensão. Durante as obras, que deverão durar cerca de 18 meses, a venda passará para uma estrutura provisória no largo da igreja. «Já vi muitos clientes habituarem-se ao supermercado e nunca mais voltarem», diz Manuel Sousa, que vende peixe no mercado há 32 anos.',
            'A obra será financiada em grande parte por fundos europeus. O concurso público deverá ser lançado ainda este ano, e a autarquia espera que os trabalhos comecem no início do próximo outono. Até lá, está prevista uma sessão de esclarecimento para os comerciantes e moradores da zona.',
        ],
    },
    {
        'site': 'gazetamiejska',
        'url': 'https://www.gazetamiejska-przyklad.pl/komunikacja/od-maja-nocne-autobusy-pojada-na-nowe-osiedla',
        'charset': 'utf-8',
        'content_type': 'text/html; charset=utf-8',
        'published': '2026-01-26T08:15:00+01:00',
        'date_label': '26.01.2026',
        'http_date': 'Mon, 26 Jan 2026 07:15:00 GMT',
        'ip': '192.0.2.17',
        'section': 'Komunikacja',
        'title': 'Od maja nocne autobusy pojadą także na nowe osiedla',
        'byline': 'Autor: Piotr Nowakowski',
        'paras': [
            'Mieszkańcy osiedli na północy Brzozowa Wielkiego doczekają się wreszcie nocnej komunikacji. Od 1 maja miejski przewoźnik uruchomi dwie nowe linie nocne, N3 i N4, które połączą centrum z Zielonym Wzgórzem i Nowymi Ogrodami. Autobusy będą kursować co 40 minut, od 23.00 do 4.30.',
            'O nocne połączenia mieszkańcy zabiegali od kilku lat. Na nowych osiedlach zamieszkało w tym czasie ponad 12 tysięcy osób, w tym wielu studentów i pracowników zmianowych. „Po dwudziestej trzeciej zostawała tylko taksówka albo długi spacer przez nieoświetlone pole” – mówi Katarzyna Wiśniewska, która pracuje na nocne zmiany w szpitalu wojewódzkim.',
            'Według zarządu transportu miejskiego roczny koszt nowych linii wyniesie około 2,8 mln zł. Część środków pochodzi z oszczędności po skróceniu tras dwóch linii dziennych, które w godzinach wieczornych jeździły niemal puste. Miasto zamierza też kupić cztery autobusy elektryczne, które od jesieni mają obsługiwać kursy nocne.',
            'Przewoźnik przyznaje, że znalezienie kierowców chętnych do pracy w nocy nie było łatwe. Za kursy nocne kierowcy otrzymają dodatek w wysokości 20 proc. stawki godzinowej, a grafik ma zapewniać co najmniej dwa wolne weekendy w miesiącu.',
            'Radni opozycji popierają pomysł, ale pytają o bezpieczeństwo na przystankach. Wiele z nich na nowych osiedlach nie ma jeszcze wiat ani oświetlenia. Zastępca prezydenta miasta Tomasz Zieliński zapewnia, że do końca kwietnia przy przystankach nocnych staną nowe latarnie, a w autobusach będą działały kamery.',
            'Nowe linie mają też ułatwić dojazd do dworca kolejowego. Ostatni nocny kurs z osiedli zaplanowano tak, by pasażerowie zdążyli na pierwszy poranny pociąg do stolicy województwa.',
            'Rozkład jazdy nowych linii zostanie opublikowany w połowie kwietnia na stronie przewoźnika i w aplikacji miejskiej. Przez pierwszy miesiąc przejazdy nocne będą bezpłatne dla posiadaczy biletów okresowych.',
        ],
    },
]


# --- HTML -------------------------------------------------------------------------------------

def e(s):
    return html.escape(s, quote=False)


def a(s):
    return html.escape(s, quote=True)


def slug(s):
    s = unicodedata.normalize("NFKD", s.lower().replace("ß", "ss").replace("ł", "l"))
    out = []
    for ch in s:
        if unicodedata.combining(ch):
            continue
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def build_html(p):
    s = SITES[p["site"]]
    meta_charset = '<meta charset="utf-8">\n' if p["charset"] == "utf-8" else ""
    ld = json.dumps({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": p["title"],
        "datePublished": p["published"],
        "articleSection": p["section"],
        "publisher": {"@type": "Organization", "name": s["name"]},
    }, ensure_ascii=False, separators=(",", ":"))
    nav = "\n".join(
        f'      <li><a href="/{slug(item)}/">{e(item)}</a></li>' for item in s["nav"])
    body = []
    for i, para in enumerate(p["paras"], 1):
        body.append(f"      <p>{e(para)}</p>")
        if i == 2:
            body.append(
                f'      <aside class="ad-slot" aria-label="{a(s["ad"])}"><span class="ad-label">{e(s["ad"])}</span>'
                f'<div id="ad-mpu-{i}" data-ad-unit="/1234/{p["site"]}/article"></div></aside>')
    trending = "\n".join(
        f'      <li><a href="/{slug(t)}">{e(t)}</a></li>' for t in s["trending"])
    share = " ".join(
        f'<a class="share share-{slug(n)}" href="#" rel="nofollow">{e(n)}</a>' for n in s["share_targets"])
    c = s["cookie"]
    return f"""<!DOCTYPE html>
<html lang="{s["lang"]}">
<head>
{meta_charset}<title>{e(p["title"])} | {e(s["name"])}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{a(p["paras"][0][:150])}">
<meta property="og:title" content="{a(p["title"])}">
<meta property="og:site_name" content="{a(s["name"])}">
<link rel="canonical" href="{a(p["url"])}">
<link rel="stylesheet" href="/static/css/main.4f2a9c.css">
<style>.cookie-banner{{position:fixed;bottom:0;left:0;right:0;z-index:99}}.ad-slot{{min-height:250px}}</style>
<script type="application/ld+json">{ld}</script>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"pageType":"article","section":"{slug(p["section"])}"}});</script>
</head>
<body class="page-article">
<div id="cookie-banner" class="cookie-banner" role="dialog" aria-modal="true">
  <p>{e(c[0])}</p>
  <button type="button" class="btn-accept">{e(c[1])}</button>
  <button type="button" class="btn-reject">{e(c[2])}</button>
  <button type="button" class="btn-settings">{e(c[3])}</button>
</div>
<header class="site-header">
  <a class="logo" href="/">{e(s["name"])}</a>
  <nav class="main-nav" aria-label="menu">
    <ul>
{nav}
    </ul>
  </nav>
  <div class="header-tools"><a href="/login">{e(s["login"])}</a> <a class="btn-subscribe" href="/abo">{e(s["subscribe"])}</a></div>
  <div class="social-follow"><a href="#">{e(s["follow"])}</a></div>
</header>
<main id="main">
  <article class="article">
    <header class="article-header">
      <p class="kicker"><a href="/{slug(p["section"])}/">{e(p["section"])}</a></p>
      <h1>{e(p["title"])}</h1>
      <p class="byline">{e(p["byline"])} <time datetime="{p["published"]}">{e(p["date_label"])}</time></p>
    </header>
    <div class="share-bar"><span>{e(s["share"])}</span> {share}</div>
    <div class="article-body">
{chr(10).join(body)}
    </div>
    <div class="share-bar share-bottom"><span>{e(s["share_bottom"])}</span> {share}</div>
  </article>
  <section class="newsletter-box">
    <h2>{e(s["newsletter"][0])}</h2>
    <form action="/newsletter" method="post"><input type="email" name="email" placeholder="{a(s["newsletter"][1])}"> <button type="submit">{e(s["newsletter"][2])}</button></form>
    <p class="legal">{e(s["consent"])}</p>
  </section>
  <aside class="trending">
    <h2>{e(s["trending_head"])}</h2>
    <ol>
{trending}
    </ol>
  </aside>
</main>
<footer class="site-footer">
  <p class="disclaimer">{e(s["disclaimer"])}</p>
  <p class="legal-links">{e(s["footer"])}</p>
</footer>
<noscript>{e(s["noscript"])}</noscript>
<script src="/static/js/app.91bd3e.js" defer></script>
</body>
</html>
"""


NOT_FOUND_HTML = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Page introuvable | Le Quotidien Exemple</title>
</head>
<body>
<h1>Erreur 404</h1>
<p>La page que vous cherchez n'existe pas ou a été déplacée.</p>
<p><a href="/">Retour à l'accueil</a></p>
</body>
</html>
"""


def tiny_png():
    """A real 2x2 RGB PNG, built byte by byte."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(px) * 2 for px in ((200, 40, 40), (40, 40, 200)))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


# --- WARC -------------------------------------------------------------------------------------

def record_id(*parts):
    return f"<urn:uuid:{uuid.uuid5(NS, '|'.join(parts))}>"


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_record(fields, block):
    """fields: list of (name, value) without Content-Length; returns the record bytes."""
    head = ["WARC/1.0"] + [f"{k}: {v}" for k, v in fields] + [f"Content-Length: {len(block)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def gzip_member(data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def http_response(status, headers, payload):
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + payload


def http_request(url):
    rest = url.split("://", 1)[1]
    host, _, path = rest.partition("/")
    lines = [f"GET /{path} HTTP/1.1", f"Host: {host}", f"User-Agent: {USER_AGENT}",
             "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
             "Accept-Language: en;q=0.8,*;q=0.5", "Accept-Encoding: identity", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def build_records():
    info_id = record_id("warcinfo", CRAWL)
    filename = "crawl.warc.gz"
    info_block = "\r\n".join([
        "software: tamis examples/make_warc.py",
        "format: WARC File Format 1.0",
        "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/",
        f"isPartOf: {CRAWL}",
        "description: Sample crawl for tamis. Fictional sites; all text written for the tamis project.",
        "robots: checked-via-fixture",
        f"http-header-user-agent: {USER_AGENT}",
    ]).encode("utf-8") + b"\r\n"
    records = [warc_record([
        ("WARC-Type", "warcinfo"),
        ("WARC-Date", "2026-01-29T08:00:00Z"),
        ("WARC-Filename", filename),
        ("WARC-Record-ID", info_id),
        ("Content-Type", "application/warc-fields"),
    ], info_block)]

    fetches = []
    for i, p in enumerate(PAGES):
        body = build_html(p).encode(p["charset"])  # strict: the windows-1252 page must encode cleanly
        headers = [("Date", p["http_date"]), ("Server", "nginx"),
                   ("Content-Type", p["content_type"]),
                   ("Cache-Control", "max-age=300, public"), ("Vary", "Accept-Encoding"),
                   ("X-Cache", "HIT")]
        fetches.append((p["url"], "200 OK", headers, body, p["ip"]))
    fetches.append(("https://www.dailyledger-example.com/static/img/ledger-pixel.png", "200 OK",
                    [("Date", "Thu, 29 Jan 2026 08:20:00 GMT"), ("Server", "nginx"),
                     ("Content-Type", "image/png"), ("Cache-Control", "max-age=31536000, immutable")],
                    tiny_png(), "192.0.2.12"))
    fetches.append(("https://www.lequotidien-exemple.fr/societe/article-retire-2025-11-03", "404 Not Found",
                    [("Date", "Thu, 29 Jan 2026 08:21:00 GMT"), ("Server", "nginx"),
                     ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")],
                    NOT_FOUND_HTML.encode("utf-8"), "192.0.2.10"))

    for n, (url, status, headers, payload, ip) in enumerate(fetches):
        minute, second = divmod(n * 37, 60)
        date = f"2026-01-29T08:{minute + 1:02d}:{second:02d}Z"
        resp_id = record_id("response", url)
        req_block = http_request(url)
        records.append(warc_record([
            ("WARC-Type", "request"),
            ("WARC-Date", date),
            ("WARC-Record-ID", record_id("request", url)),
            ("WARC-Target-URI", url),
            ("WARC-Concurrent-To", resp_id),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-IP-Address", ip),
            ("WARC-Block-Digest", sha1_b32(req_block)),
            ("Content-Type", "application/http; msgtype=request"),
        ], req_block))
        resp_block = http_response(status, headers, payload)
        records.append(warc_record([
            ("WARC-Type", "response"),
            ("WARC-Date", date),
            ("WARC-Record-ID", resp_id),
            ("WARC-Target-URI", url),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-IP-Address", ip),
            ("WARC-Block-Digest", sha1_b32(resp_block)),
            ("WARC-Payload-Digest", sha1_b32(payload)),
            ("Content-Type", "application/http; msgtype=response"),
        ], resp_block))
    return records


# --- read-back check --------------------------------------------------------------------------

def check(path):
    data = open(path, "rb").read()
    pos, types, seen_ids = 0, [], set()
    while pos < len(data):
        d = zlib.decompressobj(wbits=31)
        rec = d.decompress(data[pos:]) + d.flush()
        assert d.eof, f"truncated gzip member at offset {pos}"
        pos = len(data) - len(d.unused_data)
        head, sep, rest = rec.partition(b"\r\n\r\n")
        assert sep, "no end of WARC header"
        lines = head.decode("utf-8").split("\r\n")
        assert lines[0] == "WARC/1.0", lines[0]
        fields = dict(line.split(": ", 1) for line in lines[1:])
        for name in ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Type", "Content-Length"):
            assert name in fields, f"missing {name}"
        if fields["WARC-Type"] != "warcinfo":
            assert "WARC-Target-URI" in fields
        n = int(fields["Content-Length"])
        block = rest[:n]
        assert len(block) == n and rest[n:] == b"\r\n\r\n", "Content-Length/trailer mismatch (one record per member)"
        if "WARC-Block-Digest" in fields:
            assert fields["WARC-Block-Digest"] == sha1_b32(block), "block digest"
        if "WARC-Payload-Digest" in fields:
            payload = block.partition(b"\r\n\r\n")[2]
            assert fields["WARC-Payload-Digest"] == sha1_b32(payload), "payload digest"
        assert fields["WARC-Record-ID"] not in seen_ids, "duplicate record id"
        seen_ids.add(fields["WARC-Record-ID"])
        types.append(fields["WARC-Type"])
    return types


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "crawl.warc.gz")
    blob = b"".join(gzip_member(r) for r in build_records())
    with open(out, "wb") as f:
        f.write(blob)
    types = check(out)
    counts = {t: types.count(t) for t in dict.fromkeys(types)}
    print(f"wrote {out}: {len(blob)} bytes, {len(types)} records {counts}")
    print(f"sha256 {hashlib.sha256(blob).hexdigest()}")


if __name__ == "__main__":
    main()
