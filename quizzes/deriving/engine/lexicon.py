"""Small hand-written word lists for English and French: function words, common verbs, cue words.

They are general-language lists, not lists of the shipped texts' answers: the deriver must work on any
new text. Words are lower case and keep their accents.
"""

ARTICLES = {
    "en": {"the", "a", "an"},
    "fr": {"le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'"},
}

STOPWORDS_EN = set(
    """
    a an the this that these those there here it its it's they them their theirs he him his she her hers we us our
    you your i me my one ones which who whom whose what when where why how whether if then than so such both either
    neither each every all any some no not nor only also too very much many more most less least few several other
    others another same own and or but as at by for from in into of off on onto out over under up down upon with
    within without about above across after against along among around before behind below beneath beside besides
    between beyond during except inside near outside since through throughout till to toward towards until via
    is are was were be been being am has have had having do does did doing can could may might must shall should
    will would not no yes just already still yet now even ever often always sometimes never again further
    however therefore thus hence indeed moreover furthermore although though while whereas because unless
    i.e e.g etc vs per via like unlike including notably especially particularly respectively currently recently
    generally usually mainly mostly nearly almost around approximately about directly simply well really quite
    rather thereby whereby also just
    """.split()
)

STOPWORDS_FR = set(
    """
    le la les l' un une des du de d' au aux ce cet cette ces ça cela ceci celui celle ceux celles ci là
    qui que qu' quoi dont où quel quelle quels quelles lequel laquelle lesquels lesquelles
    il elle ils elles on nous vous je j' tu me m' te t' se s' lui leur leurs eux soi y en
    son sa ses mon ma mes ton ta tes notre nos votre vos
    et ou mais donc or ni car comme si sinon puis ainsi alors aussi encore déjà toujours jamais souvent
    ne n' pas plus moins très trop peu tant autant bien mal même mêmes tout toute tous toutes chaque
    plusieurs certains certaines quelques aucun aucune autre autres tel telle tels telles
    à dans par pour sur sous avec sans entre vers chez contre depuis pendant avant après selon parmi
    malgré envers hors dès jusqu' jusque lorsqu' lorsque puisqu' puisque quand afin via
    est sont était étaient sera seront été être a ont avait avaient aura auront avoir eu
    fait font peut peuvent pourra pourrait doit doivent devra
    c' ce n' s' notamment également environ cependant toutefois néanmoins pourtant enfin ensuite
    désormais aujourd'hui hier demain ici surtout seulement non oui voire c'est-à-dire etc
    """.split()
)

STOPWORDS = {"en": STOPWORDS_EN, "fr": STOPWORDS_FR}

# Words that tell the language of a paragraph apart (frequent in one language, rare in the other).
LANGUAGE_MARKERS = {
    "en": set(
        """the and of to is are was were with that this which for from by be been has have it its not
        they their these those can will would should than also into such who when where there we our""".split()
    ),
    "fr": set(
        """le la les des du de et est sont dans pour par avec une un au aux que qui qu ce cette ces sur il elle
        ils elles pas plus leur leurs être été ont sont ou où lors chez selon aussi très""".split()
    ),
}

# Common verb forms (finite or infinitive) that are rarely nouns; a noun phrase never contains one.
_EN_VERB_BASES = """
    allow appear apply arise become begin bind bring carry cause change combine compensate comprise confirm
    consist constitute contain continue correct create cure decide deliver demonstrate depend derive describe
    destroy determine develop devise differ differentiate disappear eliminate enable enter evade exist expect
    explain exploit express extend facilitate fight follow generate get give go grant guarantee help hope
    impede improve include increase induce infect inhibit inject insert integrate involve keep know lead learn
    let limit live make mean meet modify multiply need neutralize obtain occur offer orient overcome pass
    perform permit prevent produce promote propose provide pursue reach recognize reduce reinject relapse
    remain render renew repair replace report represent require restore result reveal seem show stabilize
    start stimulate suffer suggest take target tend treat trigger try understand undergo use validate vary
    want work diversify
    encode rely bind activate recognise recognize secrete cleave regenerate neutralise neutralize attach regress
    transduce transfect replicate mutate migrate proliferate accumulate degrade colonise colonize invade deplete
    restrict modulate enhance suppress elicit mediate persist emerge evolve adapt survive affect
""".split()
_EN_IRREGULAR = """
    is are was were be been being am has have had do does did done can could may might must shall should will
    would became become began begun bound brought caught came led made meant met got gave given gone went
    grown grew kept known knew left let lost paid put said seen saw sent shown shew taken took thought told
    undergone underwent understood won wrote written arose arisen
""".split()

_FR_VERBS = """
    est sont était étaient sera seront serait seraient soit soient été être a ont avait avaient aura auront
    aurait avoir eu fait font faire peut peuvent pourra pourront pourrait pourraient pouvoir doit doivent devra
    devrait devoir va vont aller permet permettent permettre permettant vise visent viser passe passent
    reste restent rester offre offrent offrir devient deviennent devenir contient contiennent contenir
    consiste consistent consister correspond correspondent correspondre possède possèdent posséder présente
    présentent représente représentent représenter existe existent exister semble semblent sembler
    s'agit agit regroupe regroupent inclut incluent comprend comprennent relève relèvent dépend dépendent
    traite traitent traiter soigne soignent soigner guérit guérissent guérir transforme transforment
    interroge interrogent suppose supposent change changent engage engagent émerge émergent avance avancent
    répond répondent naît naissent vivent vit exigent exige gagnent gagne freine freinent ciblent cible
    cibler produit produisent produire administre administrent administrer injecte injecter modifie
    modifient modifier remplace remplacent remplacer corrige corrigent corriger introduit introduire
    sécrètent sécrète maintenir maintient inhibent inhibe migrent migre subit subissent garder séparer
    distinguer définir comprendre préparer traiter réparer régénérer restaurer reconnaître détruire éliminer
    cibler exprimer éviter recevoir centraliser prioriser accompagner articuler diagnostiquer prévenir
    mobiliser sécréter revenir atteindre contenir obtenir tenir prouver suivre contenir composer attendre
    décrypter entrer jouer soutenir conserver intégrer donner attribuer commencer garantir redéfinir
    s'invitent s'impose s'ancrer s'accompagne s'ajoute dessinent construisent émergent amorce pourrait
    bouleverse redessine surgit relevaient relèvent voient doivent attend finançait guérit préfigure pose
    posent définiront soulève ouvre offrant nécessitent recensé créé chargé incluant nécessite montre montrent
    explore explorent progresse progressent redéfinit redéfinissent change changent permettra permettront
    reçoit reçu pénétrer limiter moduler isolent isole isoler agir partir constituée constitué constituées
    constitués digéré digérée prélevées prélevés amplifiées amplifiés
""".split()


def _en_verb_forms() -> set[str]:
    forms = set(_EN_IRREGULAR)
    for base in _EN_VERB_BASES:
        forms.add(base)
        if base.endswith("e"):
            forms.update({base + "s", base + "d", base[:-1] + "ing"})
        elif base.endswith("y") and base[-2] not in "aeiou":
            forms.update({base[:-1] + "ies", base[:-1] + "ied", base + "ing"})
        else:
            forms.update({base + "s", base + "es", base + "ed", base + "ing"})
            if base[-1] in "tpgmnd" and base[-2] in "aeiou" and base[-3:-2] not in ("a", "e", "i", "o", "u", ""):
                forms.update({base + base[-1] + "ed", base + base[-1] + "ing"})
    return forms


VERBS = {"en": _en_verb_forms(), "fr": set(_FR_VERBS)}
# Some generated forms are far more often nouns or adjectives in this register.
VERBS["en"] -= {
    "use",
    "uses",
    "work",
    "works",
    "need",
    "needs",
    "result",
    "results",
    "report",
    "reports",
    "help",
    "change",
    "changes",
    "start",
    "target",
    "targets",
    "hope",
    "hopes",
    "limit",
    "limits",
    "offer",
    "increase",
    "show",
    "shows",
    "live",
    "lead",
    "learn",
    "exist",
    "express",
    "pass",
    "try",
    "cure",
    "cures",
    "repair",
    "repairs",
    "relapse",
    "tend",
    "vary",
    "go",
    "keep",
    "make",
    "get",
    "give",
    "want",
    "mean",
    "meet",
    "take",
    "let",
    "expected",
    "limited",
    "modified",
    "targeted",
    "improved",
    "integrated",
    "inactivated",
    "derived",
    "advanced",
    "combined",
    "infected",
    "injected",
    "treated",
    "induced",
    "known",
    "undergone",
    "given",
    "grown",
    "written",
    "bound",
    "led",
    "made",
    "lost",
    "shown",
    "taken",
    "seen",
    "left",
    "continued",
    "renewed",
    "developed",
    "engineered",
}

# Modifiers that make a term vague when they lead it ("several gene therapy drugs").
GENERIC_MODIFIERS = {
    "en": set(
        """new several various many other first second third last main major certain such different same own
        particular specific important significant considerable great large small high low good real possible
        current recent further additional following previous early late whole entire given numerous most more
        some few key usual normal general common similar original initial future potential positive negative
        extraordinary remarkable spectacular encouraging promising notable certain relevant overall
        total full""".split()
    ),
    "fr": set(
        """nouveau nouvelle nouveaux nouvelles premier première premiers premières dernier dernière derniers
        dernières second seconde deuxième grand grande grands grandes petit petite petits petites seul seule
        seuls seules même mêmes autre autres plusieurs certains certaines différents différentes nombreux
        nombreuses principal principale principaux principales important importante importants importantes
        bon bonne meilleur meilleure vrai vraie réel réelle véritable long longue""".split()
    ),
}

# Head nouns that make a poor answer on their own or at the head of a vague term.
GENERIC_NOUNS = {
    "en": set(
        """approach approaches way ways number numbers field fields use uses case cases form forms type types
        kind kinds part parts result results time times year years day days month months level levels stage
        stages step steps problem problems question questions need needs people person patients patient
        example examples aim purpose effect effects thing things area areas domain domains situation
        situations rest moment term terms basis order fact means end beginning start development possibility
        possibilities majority minority lot lots variety series quantity quantities efforts successes
        success progress procedure procedures protocol protocols technique techniques method methods
        strategy strategies tool tools product products study studies trial trials report subject
        interest view views comments page information knowledge treatment treatments model models children
        adults aid""".split()
    ),
    "fr": set(
        """approche approches façon manière cas nombre partie parties forme formes type types moment moments
        temps année années jour jours mois niveau niveaux étape étapes problème problèmes question questions
        besoin besoins personne personnes patient patients exemple exemples but objectif objectifs effet
        effets chose choses domaine domaines situation situations reste terme base ordre fait fin début
        possibilité possibilités majorité série séries quantité quantités efforts succès progrès procédé
        procédés protocole protocoles technique techniques méthode méthodes stratégie stratégies outil outils
        produit produits étude études essai essais sujet intérêt vue aperçu cadre rôle enjeu enjeux réponse
        réponses logique contours mode modes conditions traitement traitements enfants adultes""".split()
    ),
}

# Cue words that mark a drug in its sentence.
DRUG_CUES = set(
    """drug drugs medicine medicines medicinal product products treatment treatments therapy indicated
    approved launched commercialized marketed authorization authorized oligonucleotide vector virus
    treat treats treated treating
    médicament médicaments traitement traitements thérapie indiqué indiquée autorisé autorisée commercialisé
    commercialisée substance molécule produit remboursés remboursé""".split()
)

# Words announcing the disease a drug treats ("indicated in", "in the treatment of", "contre").
INDICATION_CUES = {
    "en": (
        "indicated in",
        "indicated for",
        "indicated against",
        "indicated in adults with",
        "in the treatment of",
        "to treat",
        "treats",
        "treat",
        "against",
        "targeting",
        "for the treatment of",
        "in patients with",
    ),
    "fr": (
        "indiqué dans le traitement",
        "indiquée dans le traitement",
        "indiqué dans",
        "indiquée dans",
        "utilisé pour traiter",
        "utilisé dans le traitement",
        "dans le traitement",
        "pour traiter",
        "traite",
        "contre",
    ),
}

# Heads and suffixes that make a noun phrase a disease.
DISEASE_WORDS = set(
    """disease diseases disorder disorders syndrome syndromes deficiency deficiencies cancer cancers tumour
    tumours tumor tumors leukemia leukaemia lymphoma lymphomas melanoma melanomas failure infection
    malignancy malignancies hemophilia haemophilia diabetes anemia anaemia amaurosis dystrophy dystrophies
    atrophy myopathy myopathies fibrosis thalassemia amyloidosis neuropathy restenosis ischemia ischaemia
    bullosa glioma gliomas degeneration
    maladie maladies syndrome syndromes déficit déficits déficience déficiences cancer cancers tumeur tumeurs
    leucémie leucémies lymphome lymphomes mélanome diabète anémie dystrophie dystrophies amyotrophie
    amyotrophies myopathie myopathies drépanocytose hémophilie thalassémie bêta-thalassémie leucodystrophie
    hémopathie hémopathies fistule fistules immunodéficience immunodéficiences dégénérescence hypoglycémie
    lésions pathologie pathologies affection affections""".split()
)
DISEASE_SUFFIXES = (
    "emia",
    "aemia",
    "osis",
    "itis",
    "pathy",
    "trophy",
    "oma",
    "omas",
    "émie",
    "émies",
    "ose",
    "oses",
    "ite",
    "pathie",
    "pathies",
    "trophie",
    "trophies",
    "ome",
    "omes",
)

# Countries, continents and a few cities, the places texts of this kind name.
PLACES = set(
    """europe usa us china asia africa america france germany italy spain japan canada india uk switzerland
    belgium paris london marseille lyon rennes bastia chine asie afrique amérique allemagne italie espagne
    japon suisse belgique états-unis""".split()
)

# A small bilingual glossary (EN -> concept; FR -> concept) for cross-language duplicate detection.
GLOSSARY = {
    "gène": "gene",
    "gènes": "gene",
    "génique": "gene",
    "géniques": "gene",
    "thérapie": "therapy",
    "thérapies": "therapy",
    "maladie": "disease",
    "maladies": "disease",
    "médicament": "drug",
    "médicaments": "drug",
    "cellule": "cell",
    "cellules": "cell",
    "souche": "stem",
    "souches": "stem",
    "vecteur": "vector",
    "vecteurs": "vector",
    "viral": "viral",
    "viraux": "viral",
    "indiqué": "indicated",
    "indiquée": "indicated",
    "traitement": "treatment",
    "traiter": "treat",
    "traite": "treat",
    "rétinienne": "retinal",
    "rétiniennes": "retinal",
    "dystrophie": "dystrophy",
    "dystrophies": "dystrophy",
    "musculaire": "muscular",
    "amyotrophie": "atrophy",
    "spinale": "spinal",
    "drépanocytose": "sickle",
    "hémophilie": "hemophilia",
    "leucémie": "leukemia",
    "lymphocytes": "lymphocyte",
    "sang": "blood",
    "sanguin": "blood",
    "moelle": "marrow",
    "osseuse": "bone",
    "essai": "trial",
    "essais": "trial",
    "clinique": "clinical",
    "cliniques": "clinical",
    "année": "year",
    "signifie": "stand",
    "sigle": "acronym",
    "qu'est-ce": "what",
    "quel": "which",
    "quelle": "which",
    "pourquoi": "why",
    "comment": "how",
    "édition": "editing",
    "génome": "genome",
    "virus": "virus",
    "adéno-associé": "adeno-associated",
    "greffe": "graft",
    "rejet": "rejection",
    "cancer": "cancer",
    "cancers": "cancer",
    "diabète": "diabetes",
    "hématopoïétiques": "hematopoietic",
    "hématopoïétique": "hematopoietic",
    "immunitaire": "immune",
    "réponse": "response",
    "antisens": "antisense",
    "ARN": "rna",
    "arn": "rna",
    "ADN": "dna",
    "adn": "dna",
    "mutation": "mutation",
    "mutations": "mutation",
    "protéine": "protein",
    "protéines": "protein",
    "approuvé": "approved",
    "autorisé": "approved",
    "commercialisé": "marketed",
    "vrai": "true",
    "faux": "false",
}

# Words that count things rather than name them: "[[thousands of prepackaged applications]]" blanks the count with
# the term; "des milliers de paquets" the same in French.
QUANTITY_WORDS = {
    "en": {"thousands", "hundreds", "millions", "billions", "dozens", "tens", "lots", "plenty", "scores"},
    "fr": {"milliers", "centaines", "millions", "milliards", "dizaines", "douzaines", "tas", "foule"},
}

# English words that are nouns as often as verbs, and verbs after "to" or a modal: "R has a function hist to
# [[plot histograms]]" took the verb into the blank.
VERB_AFTER_TO = set(
    """plot test use show install compute display run build print list sort check load call report update
    search fit draw compare examine estimate obtain type set change remove add start stop open close save
    copy move edit select enable disable configure boot scan log map access""".split()
)
MODALS = {"to", "can", "could", "will", "would", "may", "might", "must", "should", "shall"}

# English nouns in -ing, not participles: "the DebConf annual [[meeting]]" is no "annual meeting" cut from a verb.
ING_NOUNS = set(
    """meeting meetings building buildings training setting settings string strings thing things morning
    evening warning warnings beginning ending wedding painting drawing heading headings opening feeling
    meaning meanings offering offerings spelling funding packaging programming computing networking
    booting scheduling listing listings rating ratings ceiling""".split()
)

# Nouns that introduce a name: "the function [[hist]]", "la commande [[ls]]"; the blank is the name.
NAMING_NOUNS = set(
    """function functions command commands package packages option options program programs tool utility
    fonction fonctions commande commandes paquet paquets option options programme programmes outil
    utilitaire""".split()
)
# An -ing noun is no verb anywhere (the gate took "meeting" out of "[[DebConf annual meeting]]" as a verb).
VERBS["en"] -= ING_NOUNS
