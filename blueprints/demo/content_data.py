"""Demo content library of Lumen & Co: items in French and English, and pending suggestions."""

NB = "\u00a0"

# (language, theme, kind, personae, path or None, title, summary, LinkedIn texts, X text, Facebook text or None)
_ROWS = [
    (
        "fr",
        "company_news",
        "news",
        ["messenger", "liker"],
        "/actualites/resultats-annuels",
        "Lumen & Co dépasse les 100 millions d'euros de chiffre d'affaires",
        "Une année record portée par l'éclairage public connecté et nos nouveaux clients au Québec.",
        [
            "Belle étape pour Lumen & Co"
            + NB
            + ": plus de 100 millions d'euros de chiffre d'affaires cette année. Derrière ce chiffre, il y a des équipes qui installent, conçoivent et dépannent nos luminaires partout en France et au Canada. Fier d'en faire partie"
            + NB
            + "!",
            "Quand j'ai rejoint Lumen & Co, nous étions trois fois moins nombreux. Aujourd'hui, l'entreprise franchit les 100 millions d'euros de chiffre d'affaires, en restant fidèle à ce qui nous anime"
            + NB
            + ": moins d'énergie pour plus de lumière.",
        ],
        "Lumen & Co franchit les 100 M€ de chiffre d'affaires"
        + NB
        + "! Merci à toutes les équipes #éclairage",
        "100 millions d'euros" + NB + ": une année record chez Lumen & Co" + NB + "!",
    ),
    (
        "fr",
        "company_news",
        "news",
        [],
        "/actualites/nouveau-site-nantes",
        "Nous ouvrons un atelier à Nantes",
        "Un atelier de 2"
        + NB
        + "000"
        + NB
        + "m² pour assembler nos luminaires au plus près de nos clients de l'Ouest.",
        [
            "Lumen & Co ouvre un atelier à Nantes"
            + NB
            + "! 2"
            + NB
            + "000"
            + NB
            + "m² pour assembler nos luminaires plus près de nos clients, et une trentaine d'emplois créés dans la région. J'ai hâte d'aller voir les premières lignes tourner."
        ],
        "Nouvel atelier Lumen & Co à Nantes" + NB + ": 2" + NB + "000" + NB + "m² et 30 emplois #Nantes",
        None,
    ),
    (
        "fr",
        "life_at_work",
        "testimonial",
        ["reporter", "liker"],
        "/blog/journee-atelier-lyon",
        "Une journée à l'atelier de Lyon",
        "De la soudure au contrôle qualité, l'équipe de Lyon raconte une journée type en photos.",
        [
            "On me demande souvent à quoi ressemble une journée à l'atelier. L'équipe de Lyon a répondu en photos"
            + NB
            + ": de la soudure au contrôle qualité, chaque luminaire passe entre une dizaine de mains expertes.",
            "Je ne me lasse pas de voir nos luminaires prendre forme. Cette série de photos de l'atelier de Lyon montre le soin que chacun met dans son travail.",
        ],
        "Une journée à l'atelier de Lyon, en photos #coulisses",
        "Découvrez les coulisses de notre atelier lyonnais" + NB + "!",
    ),
    (
        "fr",
        "expertise",
        "expertise",
        ["expert", "explainer"],
        "/blog/led-et-biodiversite",
        "Éclairer la ville sans éblouir la faune",
        "Nos ingénieurs expliquent comment la température de couleur et l'orientation des LED protègent les insectes et les oiseaux.",
        [
            "Éclairer la nuit sans perturber la faune, c'est possible. Température de couleur sous 2"
            + NB
            + "700"
            + NB
            + "K, flux dirigé vers le sol, extinction en milieu de nuit"
            + NB
            + ": nos ingénieurs détaillent les bons réglages. Un sujet qui me tient à cœur."
        ],
        "Éclairer sans éblouir la faune" + NB + ": les bons réglages LED #biodiversité",
        None,
    ),
    (
        "fr",
        "products",
        "news",
        ["messenger", "curator"],
        "/produits/aurore",
        "Aurore, notre nouveau lampadaire solaire",
        "Autonome trois nuits sans soleil, Aurore équipe déjà deux communes de Bretagne.",
        [
            "Voici Aurore, notre nouveau lampadaire solaire"
            + NB
            + ": trois nuits d'autonomie sans soleil, aucune tranchée à creuser, et déjà deux communes bretonnes équipées. Je trouve que c'est une belle réponse pour les petites communes."
        ],
        "Aurore, le lampadaire solaire de Lumen & Co" + NB + ": 3 nuits d'autonomie #innovation",
        "Aurore éclaire déjà deux communes bretonnes" + NB + "!",
    ),
    (
        "fr",
        "careers",
        "job_offer",
        ["talent_scout"],
        "/carrieres/technicien-maintenance-lyon",
        "Nous recrutons" + NB + ": technicien·ne de maintenance à Lyon",
        "CDI, interventions sur les réseaux d'éclairage de la métropole, formation assurée.",
        [
            "Mon équipe recrute un ou une technicienne de maintenance à Lyon"
            + NB
            + "! CDI, interventions sur les réseaux d'éclairage de la métropole, et une vraie formation à l'arrivée. Si vous connaissez quelqu'un, faites-lui suivre."
        ],
        "On recrute" + NB + ": technicien·ne de maintenance à Lyon, en CDI #emploi #Lyon",
        "Lumen & Co recrute à Lyon" + NB + ": partagez autour de vous" + NB + "!",
    ),
    (
        "fr",
        "careers",
        "job_offer",
        ["talent_scout", "helper"],
        "/carrieres/alternance-electronique",
        "Alternance" + NB + ": électronique embarquée",
        "Deux postes d'alternants en électronique au bureau d'études de Paris, rentrée de septembre.",
        [
            "Nous ouvrons deux postes d'alternance en électronique embarquée au bureau d'études de Paris. J'y ai moi-même commencé en alternance"
            + NB
            + ": on apprend vite, et on est écouté."
        ],
        "2 alternances en électronique embarquée chez Lumen & Co à Paris #alternance",
        None,
    ),
    (
        "fr",
        "events",
        "event_recap",
        ["insider", "reporter"],
        "/blog/salon-des-maires",
        "Retour sur le Salon des maires",
        "Trois jours de rencontres avec les élus et une démonstration d'éclairage intelligent qui a fait salle comble.",
        [
            "Trois jours au Salon des maires, des dizaines de rencontres avec des élus et une démonstration d'éclairage intelligent qui a fait salle comble. Merci à l'équipe qui a tenu le stand"
            + NB
            + "!",
            "Ce que je retiens du Salon des maires"
            + NB
            + ": les communes veulent éclairer mieux, pas plus. C'est exactement ce que nous faisons.",
        ],
        "Retour sur le Salon des maires" + NB + ": salle comble pour notre démo #SMCL",
        "Merci à tous ceux qui sont passés sur notre stand" + NB + "!",
    ),
    (
        "fr",
        "impact",
        "news",
        ["fact_checker", "messenger"],
        "/engagements/bilan-carbone",
        "Bilan carbone" + NB + ": −18" + NB + "% en deux ans",
        "Nos émissions baissent grâce à l'électricité verte des ateliers et à l'écoconception des luminaires.",
        [
            "Notre bilan carbone a baissé de 18"
            + NB
            + "% en deux ans. Deux leviers principaux"
            + NB
            + ": l'électricité verte dans nos ateliers et l'écoconception des luminaires, plus légers et réparables. Les détails sont dans le rapport."
        ],
        "−18" + NB + "% d'émissions en deux ans chez Lumen & Co #climat",
        "Nos émissions baissent de 18" + NB + "%" + NB + ": le détail ici.",
    ),
    (
        "fr",
        "expertise",
        "training",
        ["expert", "helper", "explainer"],
        "/formations/eclairage-intelligent",
        "Formation" + NB + ": l'éclairage intelligent en 2 heures",
        "Une formation en ligne ouverte à tous pour comprendre capteurs, télégestion et économies d'énergie.",
        [
            "Nous ouvrons à tous notre formation «"
            + NB
            + "L'éclairage intelligent en 2 heures"
            + NB
            + "»"
            + NB
            + ": capteurs, télégestion, économies d'énergie. Je l'ai suivie, c'est clair et concret."
        ],
        "Comprendre l'éclairage intelligent en 2 h" + NB + ": formation ouverte #formation",
        None,
    ),
    (
        "fr",
        "life_at_work",
        "news",
        ["liker", "helper"],
        "/blog/course-solidaire",
        "120 collègues à la course solidaire",
        "Les équipes de Paris, Lyon et Nantes ont couru pour une association d'aide aux familles.",
        [
            "Nous étions 120 à courir pour une association d'aide aux familles. Bravo à toutes celles et ceux qui ont chaussé leurs baskets, et merci aux supporters"
            + NB
            + "!"
        ],
        "120 collègues à la course solidaire, bravo à tous #solidarité",
        "120 collègues ont couru pour la bonne cause" + NB + "!",
    ),
    (
        "fr",
        "products",
        "testimonial",
        ["expert", "fact_checker"],
        "/references/ville-de-tours",
        "Tours économise 60" + NB + "% d'énergie sur son éclairage",
        "Trois ans après le passage à nos LED pilotées, la ville publie ses chiffres.",
        [
            "Trois ans après avoir installé nos luminaires LED pilotés, la ville de Tours publie ses chiffres"
            + NB
            + ": 60"
            + NB
            + "% d'énergie économisée et des pannes divisées par deux. Ce genre de retour rend notre travail très concret."
        ],
        "Tours économise 60" + NB + "% d'énergie sur son éclairage public #LED",
        "60" + NB + "% d'économies pour Tours" + NB + "!",
    ),
    (
        "fr",
        "company_news",
        "news",
        ["messenger", "insider"],
        "/actualites/partenariat-sncf",
        "Un partenariat pour éclairer 200 gares",
        "Lumen & Co remplacera l'éclairage de 200 gares régionales d'ici trois ans.",
        [
            "Nous allons remplacer l'éclairage de 200 gares régionales dans les trois prochaines années. Plus de lumière sur les quais, moins de consommation"
            + NB
            + ": un beau projet pour nos équipes."
        ],
        "200 gares bientôt éclairées par Lumen & Co #mobilité",
        None,
    ),
    (
        "fr",
        "events",
        "event_recap",
        ["insider", "liker"],
        "/blog/portes-ouvertes-paris",
        "Portes ouvertes à Paris" + NB + ": 400 visiteurs",
        "Familles, étudiants et voisins ont découvert nos laboratoires le temps d'un samedi.",
        [
            "Samedi, 400 visiteurs ont découvert nos laboratoires parisiens. Voir des enfants jouer avec nos capteurs de présence, c'était le meilleur moment de la journée."
        ],
        "400 visiteurs aux portes ouvertes de Lumen & Co Paris" + NB + "! #portesouvertes",
        "Merci aux 400 visiteurs de samedi" + NB + "!",
    ),
    (
        "fr",
        "impact",
        "testimonial",
        ["agitator", "expert"],
        "/blog/sobriete-lumineuse",
        "Sobriété lumineuse" + NB + ": faut-il éteindre la nuit" + NB + "?",
        "Notre directrice technique ouvre le débat"
        + NB
        + ": extinction, abaissement ou détection, que choisir"
        + NB
        + "?",
        [
            "Faut-il éteindre l'éclairage public la nuit"
            + NB
            + "? Notre directrice technique ouvre le débat"
            + NB
            + ": extinction, abaissement ou détection de présence, chaque solution a ses limites. Et vous, qu'en pensez-vous"
            + NB
            + "?"
        ],
        "Faut-il éteindre la ville la nuit" + NB + "? Le débat est ouvert #sobriété",
        "Éteindre la nuit" + NB + ": pour ou contre" + NB + "?",
    ),
    (
        "fr",
        "expertise",
        "expertise",
        ["fact_checker", "curator"],
        "/blog/chiffres-eclairage-public",
        "L'éclairage public en 5 chiffres",
        "41"
        + NB
        + "% de la facture d'électricité des communes, 11 millions de points lumineux"
        + NB
        + ": les ordres de grandeur à connaître.",
        [
            "L'éclairage public, c'est 41"
            + NB
            + "% de la facture d'électricité des communes et 11 millions de points lumineux en France. Cinq chiffres pour comprendre pourquoi la rénovation est urgente."
        ],
        "L'éclairage public en 5 chiffres, sources à l'appui #données",
        None,
    ),
    (
        "fr",
        "careers",
        "testimonial",
        ["talent_scout", "reporter"],
        "/carrieres/portrait-ines",
        "Inès, de l'alternance à cheffe de projet",
        "En six ans, Inès est passée de l'atelier au pilotage de grands chantiers.",
        [
            "Inès est arrivée en alternance il y a six ans. Aujourd'hui, elle pilote nos plus grands chantiers d'éclairage. Son parcours montre ce que l'entreprise peut offrir à celles et ceux qui s'engagent."
        ],
        "De l'alternance à cheffe de projet" + NB + ": le parcours d'Inès #carrière",
        "Bravo Inès pour ce beau parcours" + NB + "!",
    ),
    (
        "fr",
        "life_at_work",
        "news",
        ["reporter", "messenger"],
        "/blog/nouveaux-locaux-lyon",
        "Nos nouveaux bureaux lyonnais",
        "Lumière naturelle, terrasse et salle de pause" + NB + ": l'équipe de Lyon a emménagé.",
        [
            "L'équipe de Lyon a emménagé dans ses nouveaux bureaux"
            + NB
            + ": lumière naturelle partout (on ne se refait pas), une terrasse et une vraie salle de pause. Venez nous voir"
            + NB
            + "!"
        ],
        "Nouveaux bureaux pour l'équipe de Lyon #Lyon",
        "Bienvenue dans nos nouveaux bureaux lyonnais" + NB + "!",
    ),
    (
        "fr",
        "products",
        "training",
        ["helper", "explainer"],
        "/formations/application-lumen",
        "Tutoriel" + NB + ": piloter son éclairage depuis l'application",
        "Cinq minutes pour programmer des scénarios d'éclairage sur l'application Lumen.",
        [
            "Nos clients nous demandent souvent comment programmer leurs scénarios d'éclairage. Ce tutoriel de cinq minutes montre tout, pas à pas. Partagez-le à ceux qui utilisent l'application"
            + NB
            + "!"
        ],
        "Piloter son éclairage en 5 minutes avec l'appli Lumen #tutoriel",
        None,
    ),
    (
        "fr",
        "events",
        "news",
        ["insider", "curator"],
        "/evenements/conference-ville-nuit",
        "Conférence «" + NB + "La ville la nuit" + NB + "» le 12 décembre",
        "Urbanistes, chercheurs et élus débattent de la nuit urbaine à Paris.",
        [
            "Le 12 décembre, nous organisons une conférence «"
            + NB
            + "La ville la nuit"
            + NB
            + "» avec des urbanistes, des chercheurs et des élus. Un beau programme pour repenser l'éclairage."
        ],
        "«" + NB + "La ville la nuit" + NB + "»" + NB + ": conférence le 12 décembre à Paris #urbanisme",
        "Rendez-vous le 12 décembre" + NB + "!",
    ),
    (
        "fr",
        "impact",
        "news",
        ["messenger", "helper"],
        "/engagements/recyclage",
        "98" + NB + "% de nos luminaires recyclés",
        "Notre filière de reprise donne une seconde vie aux luminaires en fin de vie.",
        [
            "98"
            + NB
            + "% des luminaires que nous reprenons sont recyclés ou reconditionnés. Une fierté pour l'équipe qui a monté cette filière à partir de rien."
        ],
        "98" + NB + "% de nos luminaires recyclés ou reconditionnés #économiecirculaire",
        "Une seconde vie pour nos luminaires" + NB + "!",
    ),
    (
        "fr",
        "company_news",
        "news",
        [],
        None,
        "Bienvenue aux 25 nouveaux arrivants de novembre",
        "Ils rejoignent nos équipes à Paris, Lyon, Nantes et Montréal ce mois-ci.",
        [
            "Ce mois-ci, 25 personnes rejoignent Lumen & Co à Paris, Lyon, Nantes et Montréal. Bienvenue à toutes et à tous"
            + NB
            + "!"
        ],
        "Bienvenue aux 25 nouveaux arrivants chez Lumen & Co" + NB + "!",
        None,
    ),
    (
        "fr",
        "expertise",
        "expertise",
        ["expert", "agitator"],
        "/blog/ia-et-eclairage",
        "L'IA va-t-elle allumer nos rues" + NB + "?",
        "Prévoir le trafic pour ajuster la lumière" + NB + ": promesses et limites, par notre équipe R&D.",
        [
            "Prévoir les passages pour ajuster la lumière rue par rue"
            + NB
            + ": l'IA le permet déjà en partie. Notre équipe R&D fait le point sur ce qui marche, et sur ce qui relève encore de la promesse."
        ],
        "L'IA va-t-elle allumer nos rues" + NB + "? Le point de notre R&D #IA",
        None,
    ),
    (
        "fr",
        "life_at_work",
        "testimonial",
        ["helper", "liker"],
        "/blog/mentorat",
        "Le mentorat, vu par Karim et Julie",
        "Un mentor et sa mentorée racontent un an d'échanges.",
        [
            "Karim accompagne Julie depuis un an dans notre programme de mentorat. Ils racontent ce que chacun en a retiré"
            + NB
            + ": c'est touchant, et ça donne envie de se lancer."
        ],
        "Un an de mentorat" + NB + ": Karim et Julie racontent #mentorat",
        "Karim et Julie, un an de mentorat" + NB + "!",
    ),
    (
        "fr",
        "careers",
        "job_offer",
        ["talent_scout"],
        "/carrieres/ingenieur-optique",
        "Nous recrutons" + NB + ": ingénieur·e optique à Paris",
        "Conception de lentilles pour nos luminaires urbains, en CDI au bureau d'études.",
        [
            "Le bureau d'études recrute un ou une ingénieure optique. Concevoir les lentilles qui dirigent la lumière exactement où il faut, c'est un métier passionnant. Faites tourner"
            + NB
            + "!"
        ],
        "On recrute un·e ingénieur·e optique à Paris #emploi #optique",
        None,
    ),
    (
        "fr",
        "products",
        "news",
        ["curator", "liker"],
        "/produits/gamme-patrimoine",
        "Une gamme pour les centres historiques",
        "Des lanternes à l'allure d'antan, avec l'efficacité des LED d'aujourd'hui.",
        [
            "Notre nouvelle gamme Patrimoine allie l'allure des lanternes d'antan et l'efficacité des LED. Premier chantier"
            + NB
            + ": le vieux Lyon."
        ],
        "Des lanternes d'antan, des LED d'aujourd'hui" + NB + ": la gamme Patrimoine #patrimoine",
        "Le vieux Lyon s'illumine" + NB + "!",
    ),
    (
        "fr",
        "events",
        "event_recap",
        ["reporter", "insider", "liker"],
        "/blog/seminaire-annuel",
        "Séminaire annuel" + NB + ": les photos",
        "Deux jours à Annecy pour partager la stratégie et se retrouver.",
        [
            "Deux jours à Annecy pour notre séminaire annuel"
            + NB
            + ": la stratégie des trois prochaines années, des ateliers et surtout des retrouvailles. Les photos sont en ligne"
            + NB
            + "!"
        ],
        "Séminaire annuel à Annecy" + NB + ": les photos sont en ligne #équipe",
        "Retour en images sur notre séminaire" + NB + "!",
    ),
    (
        "fr",
        "impact",
        "training",
        ["explainer", "helper"],
        None,
        "Atelier" + NB + ": réduire sa consommation au bureau",
        "Trente minutes d'astuces pour éteindre ce qui ne sert pas.",
        [
            "Trente minutes d'astuces simples pour réduire la consommation d'énergie au bureau"
            + NB
            + ": un atelier ouvert à tous, que je recommande."
        ],
        "Réduire sa consommation au bureau" + NB + ": 30 min d'astuces",
        None,
    ),
    (
        "fr",
        "company_news",
        "news",
        ["messenger", "fact_checker"],
        "/actualites/certification-b-corp",
        "Lumen & Co certifiée B Corp",
        "La certification reconnaît nos pratiques sociales et environnementales.",
        [
            "Lumen & Co obtient la certification B Corp. Elle reconnaît des années de travail sur nos pratiques sociales et environnementales, et nous engage à faire encore mieux."
        ],
        "Lumen & Co est certifiée B Corp" + NB + "! #BCorp",
        "Nous sommes certifiés B Corp" + NB + "!",
    ),
    (
        "fr",
        "life_at_work",
        "news",
        ["reporter", "agitator"],
        "/blog/teletravail",
        "Télétravail" + NB + ": ce que nous avons appris",
        "Deux jours par semaine, des rituels d'équipe et quelques débats" + NB + ": le bilan.",
        [
            "Deux ans de télétravail à deux jours par semaine"
            + NB
            + ": ce qui marche, ce qui coince encore, et les rituels que les équipes ont inventés. Un bilan honnête."
        ],
        "Télétravail" + NB + ": notre bilan, sans langue de bois #travail",
        None,
    ),
    # English
    (
        "en",
        "company_news",
        "news",
        ["messenger", "liker"],
        "/news/montreal-office",
        "We are opening an office in Montréal",
        "Twenty people will serve our growing list of Canadian cities from next spring.",
        [
            "Big news: Lumen & Co is opening an office in Montréal next spring. Twenty colleagues will look after the Canadian cities that trust our street lights. Proud to see us grow across the Atlantic.",
            "A new home for Lumen & Co in Montréal! I have worked with our Canadian customers for two years, and having a team on the ground will make a real difference for them.",
        ],
        "Lumen & Co is opening an office in Montréal #Montreal",
        "Hello Montréal! Our new office opens next spring.",
    ),
    (
        "en",
        "products",
        "news",
        ["curator", "messenger"],
        "/products/halo",
        "Meet Halo, our smart office light",
        "Halo dims itself when daylight is enough and learns how each room is used.",
        [
            "Meet Halo, our new smart office light. It dims itself when daylight is enough and learns how each meeting room is actually used. Early customers save around 40% on lighting."
        ],
        "Meet Halo: the office light that knows when to dim #smartbuilding",
        "Halo is here!",
    ),
    (
        "en",
        "expertise",
        "expertise",
        ["expert", "explainer"],
        "/blog/colour-temperature",
        "Warm or cool light? What the research says",
        "Our lighting scientists explain how colour temperature affects focus, sleep and safety.",
        [
            "Warm or cool light? Our lighting scientists went through the research: cooler light helps focus during the day, warmer light respects sleep at night. Their guide explains it without jargon."
        ],
        "Warm or cool light? What the research actually says #lighting",
        None,
    ),
    (
        "en",
        "careers",
        "job_offer",
        ["talent_scout"],
        "/careers/field-engineer-london",
        "We're hiring: field engineer in London",
        "Permanent role maintaining smart lighting networks across Greater London.",
        [
            "My team in London is hiring a field engineer. You would keep smart lighting networks running across Greater London, with a great team and real training. Know someone? Send them our way."
        ],
        "We're hiring a field engineer in London #jobs #London",
        "Know a field engineer in London? We're hiring!",
    ),
    (
        "en",
        "careers",
        "job_offer",
        ["talent_scout", "helper"],
        "/careers/graduate-programme",
        "Graduate programme: applications open",
        "Two years, three rotations, one mentor: our graduate programme welcomes engineers and designers.",
        [
            "Applications are open for our graduate programme: two years, three rotations across R&D, operations and sales, and a mentor all the way. I joined this way, and I recommend it."
        ],
        "Our graduate programme is open: 2 years, 3 rotations, 1 mentor #graduates",
        None,
    ),
    (
        "en",
        "life_at_work",
        "testimonial",
        ["reporter", "liker"],
        "/blog/day-in-london",
        "A day with our London maintenance crew",
        "From the 6 a.m. briefing to the last repair at dusk, in pictures.",
        [
            "Ever wondered what keeps a city lit? Our London maintenance crew let us follow them from the 6 a.m. briefing to the last repair at dusk. The pictures say it better than I can."
        ],
        "A day with our London maintenance crew, in pictures",
        "Behind the scenes with our London crew!",
    ),
    (
        "en",
        "events",
        "event_recap",
        ["insider", "reporter"],
        "/blog/lightfair-recap",
        "LightFair: what we showed and learned",
        "Our stand, our talk on dark-sky lighting and the questions visitors asked most.",
        [
            "Back from LightFair. Our talk on dark-sky lighting drew a full room, and visitors kept asking the same question: how do we light less without feeling less safe? Here is our answer.",
            "Three things I learned at LightFair this year, from the stand and the corridors. The first: cities now ask about darkness as much as about light.",
        ],
        "Back from LightFair: full room for our dark-sky talk #LightFair",
        "Thanks to everyone who visited our stand!",
    ),
    (
        "en",
        "impact",
        "news",
        ["fact_checker", "messenger"],
        "/commitments/energy-report",
        "Our lights saved 120 GWh last year",
        "Across all installations, the energy saved equals the yearly use of 40,000 homes.",
        [
            "Last year, the lights we installed saved 120 GWh compared with the systems they replaced: the yearly electricity use of about 40,000 homes. The full method is in the report."
        ],
        "Our lights saved 120 GWh last year, about 40,000 homes' use #energy",
        "120 GWh saved last year!",
    ),
    (
        "en",
        "products",
        "testimonial",
        ["expert", "fact_checker"],
        "/customers/edmonton",
        "How Edmonton cut its lighting bill by half",
        "Three winters after switching to our connected LEDs, the city shares its results.",
        [
            "Edmonton switched to our connected LEDs three winters ago. The city has now published its results: half the energy, fewer outages and faster repairs. A great story for our Canadian team."
        ],
        "Edmonton halved its street lighting bill with connected LEDs #smartcity",
        None,
    ),
    (
        "en",
        "expertise",
        "training",
        ["expert", "helper", "explainer"],
        "/training/lighting-basics",
        "Training: lighting basics in one hour",
        "Lumens, lux and glare explained, for anyone who talks to customers.",
        [
            "Our one-hour lighting basics course is now open to everyone: lumens, lux, glare and colour, explained with examples. Useful if you ever talk to customers, and fun anyway."
        ],
        "Lumens, lux and glare in one hour: our lighting basics course #training",
        None,
    ),
    (
        "en",
        "life_at_work",
        "news",
        ["liker", "helper"],
        "/blog/charity-bake-off",
        "The great Lumen bake-off",
        "London and Montréal baked for a food bank and raised £3,200.",
        [
            "Our London and Montréal teams baked for a local food bank and raised £3,200. The lemon drizzle from accounting won, and nobody is allowed to forget it."
        ],
        "The great Lumen bake-off raised £3,200 for a food bank",
        "Well done, bakers!",
    ),
    (
        "en",
        "company_news",
        "news",
        ["messenger", "insider"],
        "/news/rail-contract",
        "Lighting 200 railway stations",
        "A three-year contract to renew the lighting of regional stations.",
        [
            "We will renew the lighting of 200 regional railway stations over the next three years: brighter platforms, lower consumption, and plenty of work for our teams."
        ],
        "200 railway stations will get Lumen lighting #rail",
        None,
    ),
    (
        "en",
        "events",
        "news",
        ["insider", "curator"],
        "/events/night-city-conference",
        "Conference: \u201cThe city at night\u201d, 12 December",
        "Urban planners, researchers and mayors discuss the urban night in Paris, with English subtitles.",
        [
            "On 12 December we host \u201cThe city at night\u201d in Paris: planners, researchers and mayors rethinking urban lighting. Sessions are subtitled in English and streamed online."
        ],
        "\u201cThe city at night\u201d: conference on 12 December, streamed online",
        "Join us online on 12 December!",
    ),
    (
        "en",
        "impact",
        "testimonial",
        ["agitator", "expert"],
        "/blog/dark-skies",
        "Should cities switch off at night?",
        "Our technical director opens the debate: switch-off, dimming or motion sensing?",
        [
            "Should cities switch off their lights at night? Our technical director opens the debate: switching off, dimming or motion sensing, each has trade-offs. Where do you stand?"
        ],
        "Should cities switch off at night? Let's debate #darksky",
        "Switch off at night: for or against?",
    ),
    (
        "en",
        "expertise",
        "expertise",
        ["fact_checker", "curator"],
        "/blog/street-lighting-numbers",
        "Street lighting in five numbers",
        "From energy bills to carbon, the figures every city should know.",
        [
            "Street lighting can be 40% of a town's electricity bill. Five figures, with their sources, that explain why renovating it is one of the quickest climate wins."
        ],
        "Street lighting in five numbers, sources included #data",
        None,
    ),
    (
        "en",
        "careers",
        "testimonial",
        ["talent_scout", "reporter"],
        "/careers/meet-priya",
        "Meet Priya, from intern to team lead",
        "Priya joined as an intern five years ago; today she leads our London installation team.",
        [
            "Priya joined us as an intern five years ago. Today she leads the London installation team. Her story is the best answer I know to 'what is it like to work here?'"
        ],
        "From intern to team lead: meet Priya #careers",
        "Congratulations, Priya!",
    ),
    (
        "en",
        "life_at_work",
        "news",
        ["reporter", "messenger"],
        "/blog/new-london-office",
        "Our new London office",
        "More daylight, a roof terrace and room to grow.",
        [
            "The London team has moved into a new office: daylight everywhere (of course), a roof terrace and room for the people we are hiring. Come and visit!"
        ],
        "New office for the London team #London",
        "Welcome to our new London office!",
    ),
    (
        "en",
        "products",
        "training",
        ["helper", "explainer"],
        "/training/app-tutorial",
        "Tutorial: programme your lights from the app",
        "Five minutes to set up lighting scenes in the Lumen app.",
        [
            "Customers often ask how to set up lighting scenes. This five-minute tutorial shows it step by step: worth sharing with anyone who uses the Lumen app."
        ],
        "Set up lighting scenes in 5 minutes with the Lumen app #tutorial",
        None,
    ),
    (
        "en",
        "events",
        "event_recap",
        ["reporter", "insider", "liker"],
        "/blog/summer-party",
        "Summer party: the pictures",
        "Montréal and London celebrated the summer together, over a video link and a barbecue.",
        [
            "Montréal and London celebrated summer together: a barbecue on each side and a video link in between. The pictures are up, and some dance moves are now on record."
        ],
        "Summer party: the pictures are up! #team",
        "Our summer party, in pictures!",
    ),
    (
        "en",
        "impact",
        "news",
        ["messenger", "helper"],
        "/commitments/recycling",
        "98% of returned lights recycled",
        "Our take-back scheme gives old fittings a second life.",
        [
            "98% of the fittings we take back are recycled or refurbished. The team who built this scheme from scratch deserves a round of applause."
        ],
        "98% of returned lights recycled or refurbished #circulareconomy",
        "A second life for our lights!",
    ),
    (
        "en",
        "company_news",
        "news",
        [],
        None,
        "Welcome to November's newcomers",
        "Twenty-five people join us this month across Paris, Lyon, Nantes, Montréal and London.",
        [
            "Twenty-five people join Lumen & Co this month, across five sites. Welcome, all of you, and do not hesitate to ask for help!"
        ],
        "Welcome to the 25 people joining Lumen & Co this month!",
        None,
    ),
    (
        "en",
        "expertise",
        "expertise",
        ["expert", "agitator"],
        "/blog/ai-street-lights",
        "Will AI switch on our streets?",
        "Predicting footfall to adjust the light: promises and limits, by our R&D team.",
        [
            "Predicting footfall to adjust the light street by street: AI can already do part of it. Our R&D team separates what works today from what is still a promise."
        ],
        "Will AI switch on our streets? Our R&D team weighs in #AI",
        None,
    ),
    (
        "en",
        "life_at_work",
        "testimonial",
        ["helper", "liker"],
        "/blog/mentoring-story",
        "Mentoring, as told by Tom and Aisha",
        "A mentor and his mentee look back on a year of conversations.",
        [
            "Tom has mentored Aisha for a year in our programme. They tell what each of them learnt: honest, warm, and a good nudge to sign up."
        ],
        "A year of mentoring: Tom and Aisha tell their story #mentoring",
        "Tom and Aisha, a year of mentoring!",
    ),
    (
        "en",
        "careers",
        "job_offer",
        ["talent_scout"],
        "/careers/data-analyst-montreal",
        "We're hiring: data analyst in Montréal",
        "Turn millions of sensor readings into better lighting for Canadian cities.",
        [
            "Our Montréal office is hiring a data analyst to turn millions of sensor readings into better lighting. Bilingual team, interesting problems. Please share!"
        ],
        "We're hiring a data analyst in Montréal #jobs #data",
        None,
    ),
    (
        "en",
        "products",
        "news",
        ["curator", "liker"],
        "/products/heritage-range",
        "A range for historic town centres",
        "Lanterns that look like the old ones, with today's LED efficiency.",
        [
            "Our new Heritage range looks like the lanterns of old and runs on today's LEDs. First installation: the old town of York."
        ],
        "Old-style lanterns, modern LEDs: our Heritage range #heritage",
        "York's old town glows!",
    ),
    (
        "en",
        "events",
        "event_recap",
        ["insider", "liker"],
        "/blog/open-day-london",
        "Open day in London: 300 visitors",
        "Families, students and neighbours explored our labs for a day.",
        [
            "300 visitors came to our London open day. Watching children play with our motion sensors was the best moment of the day."
        ],
        "300 visitors at our London open day! #openday",
        "Thank you to our 300 visitors!",
    ),
    (
        "en",
        "impact",
        "training",
        ["explainer", "helper"],
        None,
        "Workshop: cut energy use at the office",
        "Thirty minutes of simple habits to switch off what nobody uses.",
        [
            "Thirty minutes of simple habits to cut energy use at the office: an open workshop I can only recommend."
        ],
        "Cut energy use at the office: a 30-minute workshop",
        None,
    ),
    (
        "en",
        "company_news",
        "news",
        ["messenger", "fact_checker"],
        "/news/b-corp",
        "Lumen & Co is now a certified B Corp",
        "The certification recognises our social and environmental practices.",
        [
            "Lumen & Co is now a certified B Corp. It recognises years of work on how we treat people and the planet, and commits us to keep improving."
        ],
        "Lumen & Co is now a certified B Corp! #BCorp",
        "We are a certified B Corp!",
    ),
    (
        "en",
        "life_at_work",
        "news",
        ["reporter", "agitator"],
        None,
        "Hybrid work: what we have learnt",
        "Two office days a week, team rituals and a few debates: an honest review.",
        [
            "Two years of hybrid work at two office days a week: what works, what still grates, and the rituals our teams invented. An honest review."
        ],
        "Hybrid work: our honest review #futureofwork",
        None,
    ),
]


def _item(row) -> dict:
    language, theme, kind, personae, path, title, summary, linkedin, x, facebook = row
    site = "https://www.lumen-co.example/" + ("fr" if language == "fr" else "en")
    texts = {"linkedin": linkedin, "x": [x]}
    if facebook:
        texts["facebook"] = [facebook]
    return {
        "title": title,
        "summary": summary,
        "url": site + path if path else None,
        "theme": theme,
        "kind": kind,
        "language": language,
        "personae": personae,
        "share_texts": texts,
    }


ITEMS = [_item(row) for row in _ROWS]

SUGGESTIONS = [
    {
        "title": "L'éclairage intelligent réduit la facture des communes",
        "url": "https://www.lesechos-tech.example/eclairage-intelligent-communes",
        "reason": "Un bon article de fond qui cite notre chantier de Tours"
        + NB
        + ": parfait pour nos clients.",
        "language": "fr",
    },
    {
        "title": "Reportage" + NB + ": la nuit des techniciens de maintenance",
        "url": "https://www.france-regions.example/reportage-techniciens-nuit",
        "reason": "On y voit l'équipe de Nantes au travail, ça donne une belle image du métier.",
        "language": "fr",
    },
    {
        "title": "Podcast" + NB + ": faut-il éteindre les villes" + NB + "?",
        "url": "https://www.podcast-urbain.example/episode-42",
        "reason": "Notre directrice technique y participe" + NB + ": idéal pour lancer le débat.",
        "language": "fr",
    },
    {
        "title": "Dark-sky cities are on the rise",
        "url": "https://www.lighting-today.example/dark-sky-cities",
        "reason": "A clear overview of the trend, with a quote from our Montréal team.",
        "language": "en",
    },
    {
        "title": "Ten graduate schemes worth applying to",
        "url": "https://www.careers-weekly.example/graduate-schemes-2026",
        "reason": "Our programme is in the list: great for people we'd like to hire.",
        "language": "en",
    },
]
