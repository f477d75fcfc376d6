"""French phrasings of the synthetic territory's requests: pure data, no logic.

``texts.py`` renders request descriptions from this material. Everything here is invented:
the town (Vauclerc-sur-Lise), its streets, its landlords and every person's name. No real
phone number or e-mail address appears anywhere.

Phrasings carry slots in braces, filled from ``SLOT_POOLS``:

``{montant}``        a sizeable amount (rent arrears, energy bill): "450 €", "1 250 euros"
``{petit_montant}``  a small amount (canteen bill, money left for the month): "35 €"
``{age}``            a school child's age: "7 ans"
``{age_bebe}``       a baby's or toddler's age: "18 mois"
``{age_parent}``     an elderly person's age: "86 ans"
``{enfant}``         a child's first name
``{lieu}``           a street or place of the town, without article: "rue des Glycines"
``{date}``           a future or neutral date, usable right after a verb or "avant": "le 12/03"
``{duree}``          a duration, usable after "depuis", "il y a", "pendant": "trois semaines"
``{heure}``          a time of night or early morning: "23h30", "minuit"
``{organisme}``      a public body, with its article: "la CAF", "France Travail"
``{fournisseur}``    an energy supplier, a bare proper name: "EDF"
``{bailleur}``       a landlord, with its article or possessive: "mon bailleur", "l'office HLM"

Resident phrasings (``PHRASES``) are written as residents type or say them; agent phrasings
(``AGENT_PHRASES``) are the telegraphic notes front-desk agents write, each starting with a
noun so that they read after "Mme appelle pour" as well as after "Usager au guichet :".
Phrasings have no final full stop: the renderer adds (or omits) punctuation.
"""

from __future__ import annotations

from types import MappingProxyType

TOWN = "Vauclerc-sur-Lise"

# --------------------------------------------------------------------------------------------
# Slot value pools
# --------------------------------------------------------------------------------------------

_AMOUNT_FORMATS: tuple[str, ...] = ("{} €", "{}€", "{} euros", "{}e", "{},50 €", "{} eur")
_LARGE_AMOUNTS: tuple[int, ...] = (
    60, 85, 120, 150, 180, 230, 275, 310, 350, 420, 450, 480, 540,
    600, 680, 750, 820, 900, 980, 1100, 1250, 1400, 1600, 1850, 2300, 3200,
)  # fmt: skip
_SMALL_AMOUNTS: tuple[int, ...] = (10, 12, 15, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 85)


def _thousands(value: int) -> str:
    """French thousands separator: 1250 -> "1 250"."""
    return f"{value:,}".replace(",", " ")


MONTANTS: tuple[str, ...] = (
    *(fmt.format(v) for v in _LARGE_AMOUNTS for fmt in _AMOUNT_FORMATS),
    *(f"{_thousands(v)} €" for v in _LARGE_AMOUNTS if v >= 1000),
    *(f"{_thousands(v)} euros" for v in _LARGE_AMOUNTS if v >= 1000),
)
PETITS_MONTANTS: tuple[str, ...] = tuple(
    fmt.format(v) for v in _SMALL_AMOUNTS for fmt in _AMOUNT_FORMATS
)

AGES_ENFANT: tuple[str, ...] = (
    "3 ans", "4 ans", "5 ans", "6 ans", "6 ans et demi", "7 ans", "8 ans", "9 ans", "10 ans",
    "11 ans",
)  # fmt: skip
AGES_BEBE: tuple[str, ...] = (
    "3 mois", "4 mois", "6 mois", "8 mois", "10 mois", "1 an", "13 mois", "18 mois", "2 ans",
    "2 ans et demi",
)  # fmt: skip
AGES_PARENT: tuple[str, ...] = tuple(f"{a} ans" for a in (72, 75, 78, 81, 83, 86, 88, 91, 94))

PRENOMS_ENFANTS: tuple[str, ...] = (
    "Lina", "Adam", "Jade", "Noah", "Inès", "Gabriel", "Louise", "Yanis", "Chloé", "Ibrahima",
    "Emma", "Léo", "Sofia", "Maëlys", "Nolan", "Aya", "Rayan", "Lucie", "Kylian", "Assia",
    "Tom", "Camille", "Ilyes", "Fatoumata", "Enzo", "Zoé", "Amir", "Manon",
)  # fmt: skip

# Streets of the imaginary town; none names a person and none contains a motive keyword.
LIEUX: tuple[str, ...] = (
    "rue des Glycines", "allée des Peupliers", "place du Marché", "avenue de la Gare",
    "rue du Moulin", "impasse des Vignes", "boulevard de la Lise", "chemin des Prés",
    "rue de la Fontaine", "rue Basse", "square des Hirondelles", "rue des Coudriers",
    "avenue des Tilleuls", "rue Neuve", "quai de la Lise", "allée des Sorbiers",
    "rue du Pressoir", "rond-point des Saules", "rue des Tanneurs", "place des Halles",
)  # fmt: skip

_MONTHS: tuple[str, ...] = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
DATES: tuple[str, ...] = (
    *(f"le {d}/{m:02d}" for d, m in ((2, 1), (12, 3), (3, 11), (28, 2), (15, 6), (7, 9),
                                    (21, 10), (30, 4), (9, 12), (18, 5))),
    *(f"le {d} {_MONTHS[m]}" for d, m in ((15, 2), (3, 0), (22, 8), (10, 3), (5, 10), (27, 5))),
    *(f"{d} {_MONTHS[m]}" for d, m in ((15, 2), (8, 6), (19, 11), (1, 9))),
    "lundi prochain", "mardi prochain", "jeudi prochain", "demain", "après-demain",
    "la semaine prochaine", "vendredi", "jeudi matin", "lundi", "mardi après-midi",
    "le mois prochain", "ce vendredi", "samedi", "le 5", "le 20",
)  # fmt: skip
DUREES: tuple[str, ...] = (
    "deux jours", "3 jours", "une semaine", "10 jours", "15 jours", "trois semaines", "un mois",
    "2 mois", "deux mois", "six mois", "plusieurs mois", "un an", "plus d'un an", "deux ans",
    "longtemps", "presque un an", "5 mois", "une quinzaine de jours",
)  # fmt: skip
HEURES: tuple[str, ...] = (
    "22h", "23h", "23h30", "minuit", "1h du matin", "2h du matin", "3h", "4h du mat", "6h",
    "6h30", "7h",
)  # fmt: skip
ORGANISMES: tuple[str, ...] = (
    "la CAF", "la CPAM", "France Travail", "Pôle emploi", "la MSA", "la CARSAT",
    "l'assurance maladie", "la préfecture", "l'URSSAF", "la caisse de retraite",
)  # fmt: skip
FOURNISSEURS: tuple[str, ...] = ("EDF", "Engie", "TotalEnergies", "Ekwateur", "Vesne Énergie")
BAILLEURS: tuple[str, ...] = (
    "mon bailleur", "mon propriétaire", "l'office HLM", "Vesne Habitat", "Logis du Val",
    "l'agence immobilière", "mon proprio", "la régie",
)  # fmt: skip

SLOT_POOLS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "montant": MONTANTS,
        "petit_montant": PETITS_MONTANTS,
        "age": AGES_ENFANT,
        "age_bebe": AGES_BEBE,
        "age_parent": AGES_PARENT,
        "enfant": PRENOMS_ENFANTS,
        "lieu": LIEUX,
        "date": DATES,
        "duree": DUREES,
        "heure": HEURES,
        "organisme": ORGANISMES,
        "fournisseur": FOURNISSEURS,
        "bailleur": BAILLEURS,
    }
)
SLOTS: tuple[str, ...] = tuple(SLOT_POOLS)

# --------------------------------------------------------------------------------------------
# Resident phrasings, per motive
# --------------------------------------------------------------------------------------------

PHRASES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        # ---- Action sociale / CCAS ---------------------------------------------------------
        "aide_alimentaire": (
            "Je voudrais un colis alimentaire",
            "est-ce que je peux avoir des bons alimentaires ?",
            "Bonjour, je n'ai plus rien à manger dans le frigo pour moi et mes enfants",
            "aide alimentaire",
            "Je suis seule avec {enfant} et je n'arrive plus à faire les courses, "
            "il me reste {petit_montant} pour finir le mois",
            "Comment on fait pour être inscrit à l'épicerie sociale ?",
            "On m'a dit que le CCAS donnait des colis, c'est possible pour moi ?",
            "J'ai perdu mon travail il y a {duree} et on ne mange plus correctement",
            "Je souhaiterais savoir si je peux bénéficier d'une aide alimentaire, "
            "ma situation est difficile depuis {duree}",
            "c'est pour la banque alimentaire, je dois apporter quoi comme papiers ?",
            "Nous avons besoin d'aide pour la nourriture, mon mari est malade "
            "et ne peut plus travailler",
            "il me faut de quoi manger jusqu'à la fin du mois",
            "Les Restos du cœur sont fermés, "
            "est-ce que la mairie peut nous aider pour les courses ?",
            "demande de colis svp",
            "Je sors de l'hôpital et je n'ai rien dans les placards, "
            "est-ce qu'il existe une aide pour manger ?",
            "Je voudrais renouveler mon accès à l'épicerie solidaire qui se termine {date}",
            "j'ai faim honnêtement, je ne sais plus comment faire pour les courses",
        ),
        "aide_financiere_urgence": (
            "J'ai besoin d'une aide financière en urgence",
            "Je suis à découvert de {montant} et la banque me bloque tout",
            "est-ce que le CCAS peut me faire une avance ? j'ai pas été payé ce mois-ci",
            "Je voudrais un secours d'urgence, je n'ai plus un centime",
            "aide financière urgente",
            "Ma voiture est en panne et j'en ai besoin pour aller bosser, "
            "la réparation coûte {montant}",
            "Je n'arrive plus à boucler les fins de mois, pouvez-vous m'aider ?",
            "{organisme} a arrêté mes versements depuis {duree} et je n'ai plus rien pour vivre",
            "Bonjour je voudrais savoir s'il existe un prêt ou un dépannage "
            "pour les personnes en difficulté",
            "Madame, je sollicite une aide exceptionnelle de {montant} "
            "suite à la perte de mon emploi",
            "j'ai des frais d'obsèques à payer et pas d'argent",
            "Je dois {montant} à plusieurs personnes, je ne m'en sors plus",
            "aide urgente svp plus d'argent sur le compte",
            "Est-ce que la mairie peut m'aider à payer une facture de {montant} ?",
            "On m'a conseillé de demander un secours au CCAS, comment je fais ?",
            "il me faut de quoi tenir, mon salaire arrive seulement {date}",
        ),
        "domiciliation": (
            "Je n'ai plus d'adresse, comment je peux recevoir mon courrier ?",
            "je voudrais une domiciliation au CCAS",
            "Je suis hébergée chez une amie et je ne peux pas recevoir mes lettres là-bas",
            "domiciliation",
            "Je dors dans ma voiture depuis {duree}, j'ai besoin d'une adresse pour {organisme}",
            "Il me faut une attestation d'élection de domicile pour mes démarches",
            "Bonjour, je suis à la rue et la CAF me demande une adresse",
            "Mon attestation de domiciliation expire {date}, comment la renouveler ?",
            "Je suis sans domicile fixe, est-ce que je peux mettre l'adresse de la mairie ?",
            "Je souhaiterais être domicilié auprès de vos services, "
            "n'ayant plus de logement stable",
            "je suis SDF, où je récupère mon courrier ?",
            "mes lettres reviennent à l'envoyeur car je n'ai plus de boîte aux lettres",
            "Est-ce que vous gardez le courrier des gens qui n'ont pas d'adresse ?",
            "Séparée depuis {duree}, je n'ai plus d'adresse officielle "
            "et {organisme} ne peut plus m'écrire",
            "renouvellement domiciliation",
        ),
        # ---- Logement ----------------------------------------------------------------------
        "demande_logement_social": (
            "Je voudrais faire une demande de logement social",
            "Ma demande HLM date de {duree} et je n'ai toujours aucune proposition",
            "Nous vivons à cinq dans un F2, il nous faut un logement plus grand",
            "demande de logement",
            "Comment renouveler ma demande de logement ? "
            "J'ai reçu un courrier qui dit qu'elle expire {date}",
            "Je cherche un appartement moins cher, je ne peux plus payer mon loyer actuel",
            "Où en est mon dossier de logement social ? j'ai mon numéro unique",
            "Je me sépare de mon conjoint et je dois trouver un logement rapidement avec {enfant}",
            "Je suis hébergée chez ma mère avec mes enfants, on dort tous dans la même pièce",
            "Je souhaiterais obtenir un rendez-vous pour constituer "
            "un dossier de demande de logement social",
            "est-ce que la mairie peut appuyer ma demande auprès de {bailleur} ?",
            "J'ai refusé une proposition car c'était trop loin, est-ce que ça annule ma demande ?",
            "je voudrais une mutation vers un logement en rez-de-chaussée, "
            "je ne peux plus monter les escaliers",
            "Ma fille a eu un bébé, on est trop nombreux dans l'appartement, on voudrait un T4",
            "cherche F3 urgent",
            "Je voudrais savoir si ma demande de logement passe en commission {date}",
        ),
        "impaye_loyer": (
            "J'ai un retard de loyer de {montant}",
            "Je n'arrive plus à payer mon loyer depuis {duree}",
            "{bailleur} m'a envoyé une lettre de relance pour {montant} d'impayés",
            "impayé de loyer",
            "Mes APL ont été coupées et du coup j'ai une dette de loyer",
            "Est-ce qu'il existe une aide pour rembourser les loyers en retard ? je dois {montant}",
            "Je voudrais mettre en place un échéancier avec {bailleur} mais ils refusent",
            "J'ai perdu mon emploi et je ne peux plus payer le loyer, que dois-je faire ?",
            "Madame, Monsieur, je rencontre des difficultés pour honorer mes loyers depuis {duree}",
            "loyer impayé {montant} aide FSL possible ?",
            "mon propriétaire menace de me mettre dehors si je ne paie pas les {montant}",
            "Je suis en retard de deux mois de loyer à cause d'un arrêt maladie",
            "on a un arriéré de loyer, comment on peut demander le FSL ?",
            "Je dois {montant} à {bailleur}, il faut tout payer avant {date}",
            "Le loyer a augmenté et je n'y arrive plus, j'ai déjà {montant} de retard",
            "Je voudrais un rendez-vous avec une assistante sociale pour mes dettes de loyer",
        ),
        "menace_expulsion": (
            "J'ai reçu un commandement de quitter les lieux",
            "L'huissier est passé ce matin, il dit qu'on va être expulsés",
            "Nous sommes menacés d'expulsion {date}, je ne sais pas où aller avec les enfants",
            "expulsion",
            "J'ai une audience au tribunal {date} pour mon logement, "
            "est-ce que quelqu'un peut m'accompagner ?",
            "Mon propriétaire veut me mettre à la rue à la fin de la trêve hivernale",
            "jugement d'expulsion reçu, que faire ?",
            "Madame, Monsieur, je fais l'objet d'une procédure d'expulsion et sollicite votre aide",
            "ils vont changer les serrures {date}, on n'a nulle part où dormir",
            "Le juge a ordonné mon expulsion pour une dette de {montant}",
            "J'ai reçu un papier de l'huissier, je comprends rien, "
            "ça parle de concours de la force publique",
            "est-ce que la mairie peut empêcher l'expulsion ? j'ai deux enfants petits",
            "{bailleur} a lancé une procédure contre moi pour {montant} d'impayés",
            "on doit partir de l'appartement avant {date} sinon la police vient",
            "commandement de payer reçu par huissier, délai de deux mois",
        ),
        "logement_insalubre": (
            "Il y a de la moisissure partout dans la chambre des enfants",
            "Mon logement est très humide, les murs sont tout noirs",
            "{bailleur} ne fait rien pour la fuite d'eau depuis {duree}",
            "logement insalubre",
            "Il y a des cafards dans tout l'immeuble et le propriétaire refuse de traiter",
            "Nous avons des punaises de lit, on ne dort plus",
            "Infiltration par le plafond de la salle de bain, c'est dangereux avec l'électricité",
            "Les fenêtres ne ferment plus et il fait très froid dans l'appartement",
            "Je voudrais qu'un agent vienne constater l'état de mon logement situé {lieu}",
            "Le propriétaire ne veut pas faire les travaux, il y a des rats dans la cave",
            "Madame, Monsieur, je vous signale l'état de délabrement "
            "de mon appartement situé {lieu}",
            "Mon fils a de l'asthme à cause de l'humidité, "
            "le médecin dit qu'il faut changer de logement",
            "Dégât des eaux non réparé depuis {duree}, le plafond s'effondre",
            "champignons sur les murs et odeur horrible",
            "Est-ce que le service hygiène peut venir voir ? "
            "plus d'eau chaude et des moisissures partout",
            "Les prises électriques sont arrachées et les fils pendent, c'est dangereux",
        ),
        # ---- Petite enfance ----------------------------------------------------------------
        "inscription_creche": (
            "Je voudrais inscrire mon bébé à la crèche",
            "Comment faire une demande de place en crèche pour {enfant} qui a {age_bebe} ?",
            "inscription crèche",
            "Je reprends le travail {date} et je n'ai toujours pas de place en crèche",
            "J'ai déposé une demande de crèche il y a {duree}, quand passe la commission ?",
            "Bonjour, je suis enceinte de 5 mois et je voudrais pré-inscrire "
            "mon enfant au multi-accueil",
            "Est-ce qu'il reste des places à la halte-garderie pour quelques demi-journées ?",
            "Madame, je sollicite une place en établissement d'accueil du jeune enfant "
            "pour mon fils âgé de {age_bebe}",
            "Ma fille {enfant} a {age_bebe}, je cherche un mode de garde collectif",
            "demande de place en crèche refusée, je peux faire un recours ?",
            "on a eu une place à la crèche mais les horaires ne vont pas avec mon boulot",
            "combien coûte la crèche municipale pour un bébé de {age_bebe} ?",
            "je voudrais changer ma demande pour la crèche la plus proche de chez moi, {lieu}",
            "On m'a dit de m'inscrire sur la liste d'attente pour la crèche, c'est où ?",
            "Quels papiers faut-il pour le dossier de crèche ?",
        ),
        "assistante_maternelle": (
            "Je cherche une assistante maternelle dans le quartier",
            "Est-ce que vous avez la liste des nounous agréées ?",
            "Je voudrais les coordonnées du relais petite enfance",
            "recherche ass mat",
            "Mon assistante maternelle arrête {date} et je dois trouver quelqu'un pour {enfant}",
            "Comment on déclare une nourrice sur Pajemploi ?",
            "Je voudrais devenir assistante maternelle, quelles sont les démarches ?",
            "Combien coûte une assistante maternelle avec le complément mode de garde ?",
            "Bonjour je cherche une nounou pour mon fils de {age_bebe}, horaires décalés",
            "Madame, je souhaiterais être mise en relation avec le RPE "
            "afin de trouver un mode de garde",
            "liste assistantes maternelles disponibles svp",
            "j'ai un désaccord avec l'assistante maternelle sur le contrat, qui peut m'aider ?",
            "L'assistante maternelle me demande {petit_montant} de plus par semaine, "
            "c'est normal ?",
            "Nous avons besoin d'une nounou pour notre bébé, la crèche est complète",
            "Y a-t-il des assistantes maternelles qui gardent le mercredi ?",
        ),
        # ---- Éducation et périscolaire -----------------------------------------------------
        "inscription_scolaire": (
            "Je voudrais inscrire mon fils à l'école",
            "Inscription en petite section pour {enfant} à la rentrée, quels documents ?",
            "inscription école",
            "Nous venons d'emménager {lieu}, quelle école pour notre fille de {age} ?",
            "Je souhaite une dérogation pour que {enfant} reste dans son école actuelle",
            "Mon fils rentre au CP, est-ce que l'inscription se fait en mairie ?",
            "Madame, Monsieur, je sollicite l'inscription scolaire de mon enfant âgé de {age}",
            "On m'a refusé l'inscription car je n'ai pas de justificatif de domicile",
            "certificat d'inscription pour l'école maternelle svp",
            "ma fille de {age} n'est pas scolarisée depuis notre arrivée il y a {duree}",
            "Comment changer d'école en cours d'année ?",
            "A quelle date ouvrent les inscriptions pour la rentrée ?",
            "je veux inscrire mes deux enfants, {age} et 3 ans, à l'école du quartier",
            "Est-ce que je peux choisir l'école ou c'est selon l'adresse ?",
            "j'ai pas reçu l'affectation de l'école pour {enfant}",
        ),
        "tarif_cantine": (
            "La cantine est trop chère pour nous",
            "Je voudrais faire recalculer mon quotient familial pour la cantine",
            "tarif cantine",
            "J'ai reçu une facture de cantine de {petit_montant}, je ne peux pas payer",
            "Le repas à la cantine est passé à 4,50 € avec mon quotient, c'est une erreur ?",
            "Je suis au chômage depuis {duree}, est-ce qu'on peut baisser le tarif de la cantine ?",
            "Comment avoir le tarif réduit à la restauration scolaire ?",
            "J'ai des impayés de cantine de {petit_montant}, est-ce qu'on va exclure {enfant} ?",
            "Madame, suite à la baisse de mes revenus, je sollicite une révision "
            "de mon tarif de restauration scolaire",
            "je veux inscrire {enfant} à la cantine mais je sais pas combien ça coûte",
            "mon fils mange à la cantine 4 jours, la facture est fausse",
            "repas cantine trop cher aide possible ?",
            "Il faut fournir quoi pour le calcul du quotient familial ?",
            "Le portail famille me facture des repas alors que {enfant} était malade",
            "la cantine à 1 €, c'est pour qui ?",
        ),
        "centre_loisirs": (
            "Je voudrais inscrire {enfant} au centre de loisirs pour les vacances",
            "Il reste des places au centre aéré cet été ?",
            "inscription périscolaire",
            "Comment réserver les mercredis à l'accueil de loisirs ?",
            "la garderie du matin ouvre à quelle heure ?",
            "Je n'ai pas pu réserver sur le portail famille, "
            "les vacances de la Toussaint sont complètes",
            "Mon fils de {age} veut faire le séjour à la montagne, quel est le prix ?",
            "Madame, je souhaite inscrire ma fille à l'accueil périscolaire du soir",
            "on peut payer le centre de loisirs avec les chèques CESU ?",
            "Est-ce qu'il y a des stages sportifs pendant les vacances pour un enfant de {age} ?",
            "Je voudrais annuler la réservation de {enfant} au centre aéré {date}",
            "le prix de l'ALSH a beaucoup augmenté, il existe une aide ?",
            "colonie de vacances aide CAF possible ?",
            "Quels sont les horaires de l'accueil du mercredi au centre de loisirs ?",
            "Mon enfant a un PAI, est-ce qu'il peut aller au centre de loisirs ?",
        ),
        # ---- État civil et citoyenneté -----------------------------------------------------
        "carte_identite_passeport": (
            "Je voudrais refaire ma carte d'identité",
            "rdv passeport svp",
            "Comment prendre rendez-vous pour un passeport ? Je pars {date}",
            "J'ai perdu ma carte d'identité, qu'est-ce que je dois faire ?",
            "Ma CNI est périmée depuis {duree}, je dois la renouveler",
            "J'ai fait la pré-demande sur le site ANTS mais il faut un rendez-vous en mairie",
            "Madame, Monsieur, je sollicite un rendez-vous pour le renouvellement "
            "du passeport de mon fils {enfant}",
            "je viens récupérer ma carte d'identité, elle est prête ?",
            "On m'a volé mon sac avec mes papiers d'identité",
            "il n'y a plus de créneaux pour les cartes d'identité avant 3 mois, "
            "c'est urgent j'ai un examen",
            "Passeport pour un bébé de {age_bebe}, il faut qu'il soit présent ?",
            "Est-ce que la photo d'identité du photomaton est acceptée ?",
            "carte identité perdue + passeport expiré",
            "Combien de temps pour avoir un passeport en urgence ?",
            "Je ne trouve pas de rendez-vous pour faire mes empreintes",
        ),
        "acte_etat_civil": (
            "Je voudrais un acte de naissance",
            "Comment obtenir une copie intégrale de mon acte de mariage ?",
            "extrait d'acte de naissance svp",
            "Ma mère est décédée hier, je dois déclarer le décès",
            "Je voudrais déclarer la naissance de ma fille {enfant}",
            "Il y a une erreur sur mon acte de naissance, mon nom est mal écrit",
            "Nous voulons nous marier, quels documents faut-il pour le dossier de mariage ?",
            "J'ai perdu mon livret de famille, comment en avoir un nouveau ?",
            "Madame, Monsieur, je vous prie de bien vouloir m'envoyer une copie "
            "de l'acte de décès de mon père",
            "acte de naissance pour dossier de retraite",
            "Je voudrais faire un PACS, est-ce que c'est en mairie ?",
            "Reconnaissance anticipée pour mon futur bébé, il faut prendre rendez-vous ?",
            "Besoin urgent d'un acte de mariage pour la préfecture",
            "mon fils est né à l'étranger, comment le transcrire à l'état civil ?",
            "changement de prénom pour {enfant}, c'est possible ?",
        ),
        "listes_electorales": (
            "Je voudrais m'inscrire sur les listes électorales",
            "Comment faire une procuration pour voter {date} ?",
            "inscription liste électorale",
            "Je n'ai pas reçu ma carte électorale",
            "J'ai déménagé {lieu}, je dois changer de bureau de vote ?",
            "Je viens d'avoir 18 ans, suis-je inscrit automatiquement pour voter ?",
            "Madame, Monsieur, je souhaite m'inscrire sur les listes électorales de la commune",
            "jusqu'à quand on peut s'inscrire pour les élections ?",
            "Mon nom est mal orthographié sur ma carte d'électeur",
            "Je suis européen, est-ce que je peux voter aux municipales ?",
            "Comment vérifier que je suis bien inscrite sur la liste électorale ?",
            "je serai absent le jour du vote, comment je fais ?",
            "Mon père est en EHPAD, il veut faire une procuration",
            "radiée des listes électorales sans raison, pourquoi ?",
            "Où est mon bureau de vote ?",
        ),
        # ---- Emploi et insertion -----------------------------------------------------------
        "recherche_emploi": (
            "Je cherche du travail, est-ce que vous pouvez m'aider ?",
            "Je voudrais de l'aide pour faire mon CV",
            "recherche emploi",
            "J'ai été licencié il y a {duree}, je ne sais pas par où commencer",
            "Est-ce qu'il y a des offres d'emploi à la mairie ?",
            "Je voudrais un rendez-vous avec la mission locale, j'ai 19 ans",
            "France Travail ne me rappelle pas, je voudrais un accompagnement "
            "pour trouver un boulot",
            "Madame, Monsieur, je me permets de vous solliciter afin d'être accompagné "
            "dans ma recherche d'emploi",
            "Besoin d'aide pour une lettre de motivation, j'ai un entretien {date}",
            "je cherche un job dans la restauration ou le ménage",
            "Est-ce que vous connaissez des agences d'intérim ?",
            "Mon fils de 22 ans ne trouve pas de travail, vous pouvez l'aider ?",
            "cv + lettre de motivation svp",
            "Je suis au chômage depuis {duree} et mes droits se terminent {date}",
            "Y a-t-il un forum de l'emploi prévu dans la ville ?",
        ),
        "rsa_orientation": (
            "Je voudrais savoir qui est mon référent RSA",
            "On m'a suspendu le RSA, je comprends pas pourquoi",
            "RSA",
            "Je dois signer un contrat d'engagement, c'est où ?",
            "J'ai reçu une convocation pour mon RSA {date} mais je ne peux pas venir",
            "c'est quoi les 15 heures d'activité obligatoires pour le RSA ?",
            "Je touche le RSA et je voudrais un accompagnement pour m'en sortir",
            "Madame, Monsieur, bénéficiaire du RSA depuis {duree}, "
            "je sollicite un changement de référent",
            "Le département m'a envoyé un courrier de sanction pour mon RSA",
            "Je veux faire une demande de RSA, j'ai plus de droits au chômage",
            "mon référent ne répond plus depuis {duree}",
            "Est-ce que je peux garder le RSA si je fais une formation ?",
            "rdv référent rsa svp",
            "Je voudrais être orienté vers un parcours d'insertion",
            "mon RSA a baissé de {petit_montant}, il faut que je fasse quoi ?",
        ),
        "formation": (
            "Je voudrais faire une formation",
            "Comment financer un CAP petite enfance ?",
            "formation",
            "Je voudrais apprendre le français, il y a des cours ?",
            "Je veux passer le permis mais c'est trop cher, il existe des aides ?",
            "Comment utiliser mon CPF ?",
            "Je souhaite reprendre mes études, j'ai arrêté il y a {duree}",
            "Madame, Monsieur, je souhaiterais obtenir des informations "
            "sur les formations qualifiantes",
            "Est-ce qu'il y a des cours d'informatique pour débutants ?",
            "VAE aide-soignante, c'est possible ?",
            "Je voudrais faire le BAFA pour travailler au centre de loisirs",
            "remise à niveau en maths et français pour un concours",
            "Ma formation commence {date} mais je n'ai personne pour garder mon fils",
            "cours de français pour ma mère svp",
            "Quelle formation pour devenir agent de sécurité ?",
        ),
        # ---- Seniors et autonomie ----------------------------------------------------------
        "portage_repas": (
            "Je voudrais faire livrer des repas à ma mère qui a {age_parent}",
            "portage de repas",
            "Mon père ne peut plus cuisiner depuis sa chute, "
            "est-ce que la mairie livre des repas ?",
            "Combien coûte le portage des repas à domicile ?",
            "Je sors de l'hôpital {date} et je ne pourrai pas faire à manger pendant {duree}",
            "Madame, je souhaiterais bénéficier du service de portage de repas",
            "Les repas livrés sont froids et arrivent trop tard",
            "je voudrais arrêter le portage de repas la semaine prochaine",
            "Ma grand-mère de {age_parent} mange mal, elle vit seule, "
            "vous pouvez lui apporter des plateaux repas ?",
            "Est-ce que les repas sans sel sont possibles pour un diabétique ?",
            "On a oublié de livrer le repas de mon père aujourd'hui",
            "repas à domicile pour personne âgée svp",
            "Mon mari est malade, je n'arrive plus à préparer les repas pour nous deux",
            "suspendre les repas pendant {duree}, je pars chez ma fille",
            "Est-ce qu'il y a une aide pour payer le portage des repas ?",
        ),
        "aide_domicile_apa": (
            "Je voudrais une aide à domicile pour ma mère",
            "Comment faire une demande d'APA ?",
            "aide ménagère",
            "Mon père de {age_parent} ne peut plus faire sa toilette seul",
            "Le dossier APA de mon mari est en cours depuis {duree}, on n'a pas de nouvelles",
            "L'auxiliaire de vie n'est pas venue de la semaine",
            "Je voudrais augmenter les heures d'aide à domicile, ma mère perd son autonomie",
            "Madame, Monsieur, je sollicite l'allocation personnalisée d'autonomie pour mon épouse",
            "Combien reste à ma charge pour l'aide ménagère ?",
            "On voudrait qu'une évaluation de la dépendance soit faite à la maison",
            "ma mère vit seule à {age_parent}, elle ne peut plus faire le ménage ni les courses",
            "Est-ce qu'il y a des places en EHPAD ? On ne peut plus la garder à la maison",
            "Le plan d'aide APA ne suffit pas, on paie {montant} par mois",
            "je cherche une aide pour le lever et le coucher de mon père",
            "GIR 4 c'est combien d'heures d'aide à domicile ?",
        ),
        "teleassistance": (
            "Je voudrais la téléassistance pour ma mère",
            "Mon père est tombé la nuit dernière, il lui faudrait un bip d'alerte",
            "téléassistance",
            "Le médaillon de téléassistance ne fonctionne plus",
            "Comment s'inscrire sur le registre canicule ?",
            "Ma voisine de {age_parent} vit seule et tombe souvent, "
            "il existe un bracelet d'appel ?",
            "Madame, je souhaite résilier l'abonnement de téléassistance de ma mère, "
            "entrée en EHPAD",
            "Combien coûte le boîtier d'alarme pour personnes âgées ?",
            "Le bouton d'appel sonne tout seul",
            "On change d'opérateur téléphonique, est-ce que la téléassistance va marcher ?",
            "Il faut combien de personnes à prévenir pour la téléassistance ?",
            "Mon père a peur de chuter seul chez lui, vous avez un système d'alarme ?",
            "inscription registre canicule pour mes parents de {age_parent}",
            "Je voudrais faire installer le bip de téléassistance {date}",
            "la téléassistance a appelé ma fille pour rien trois fois cette semaine",
        ),
        # ---- Santé et handicap -------------------------------------------------------------
        "dossier_mdph": (
            "Je voudrais de l'aide pour remplir mon dossier MDPH",
            "Ma demande d'AAH est en attente depuis {duree}",
            "dossier MDPH",
            "Comment obtenir la carte mobilité inclusion pour mon père ?",
            "Mon fils est autiste, je voudrais une AESH à l'école",
            "Je voudrais faire reconnaître mon handicap pour le travail (RQTH)",
            "La MDPH a refusé ma PCH, je veux faire un recours",
            "Madame, Monsieur, je sollicite votre aide pour constituer un dossier "
            "auprès de la maison départementale des personnes handicapées",
            "Le certificat médical pour la MDPH, c'est mon médecin qui le remplit ?",
            "Mon taux d'incapacité a baissé et je perds l'AAH",
            "renouvellement MDPH avant {date}",
            "je suis en fauteuil et je voudrais une place de parking handicapé {lieu}",
            "Ça fait {duree} que j'attends la réponse de la MDPH",
            "AAH refusée, que faire ?",
            "Est-ce qu'il y a une aide pour aménager ma salle de bain, je suis handicapé ?",
        ),
        "acces_soins": (
            "Je n'ai pas de mutuelle, comment faire ?",
            "Je voudrais faire une demande de complémentaire santé solidaire",
            "carte vitale perdue",
            "Je ne trouve pas de médecin traitant depuis {duree}",
            "Les lunettes de ma fille coûtent {montant} et je ne peux pas payer",
            "Mes droits à la sécu sont fermés, je ne peux plus me soigner",
            "Madame, Monsieur, je sollicite une aide pour le financement de soins dentaires "
            "s'élevant à {montant}",
            "Comment avoir l'AME pour mon mari ?",
            "La pharmacie refuse mes médicaments car ma CSS a expiré",
            "Est-ce qu'il y a un centre de santé avec des médecins "
            "qui prennent de nouveaux patients ?",
            "je dois faire des examens à l'hôpital mais j'ai pas de mutuelle",
            "renouvellement CSS svp",
            "{organisme} ne me rembourse plus rien depuis {duree}",
            "Mon dentiste demande {montant} d'avance, c'est trop",
            "où se faire vacciner gratuitement ?",
        ),
        # ---- Énergie et précarité énergétique ----------------------------------------------
        "impaye_energie": (
            "J'ai une facture d'électricité de {montant} que je ne peux pas payer",
            "{fournisseur} menace de couper le courant si je ne paie pas",
            "impayé EDF",
            "Ma facture de gaz a doublé, j'ai {montant} de retard",
            "Est-ce que le FSL peut aider pour une dette d'énergie ?",
            "On m'a posé un limiteur de puissance sur le compteur",
            "Madame, Monsieur, je rencontre des difficultés à régler ma facture d'énergie "
            "d'un montant de {montant}",
            "facture de régularisation énorme, {montant} à payer avant {date}",
            "J'ai reçu une lettre de relance de {fournisseur}, je dois payer avant {date}",
            "Le compteur Linky affiche une conso bizarre et la facture est énorme",
            "je peux avoir un échéancier avec {fournisseur} ? je suis en retard de {duree}",
            "l'électricité va être coupée {date}, aidez-moi",
            "dette gaz et électricité, je ne sais pas comment m'en sortir",
            "Est-ce que le CCAS peut payer une partie de ma facture {fournisseur} ?",
            "Mon fournisseur d'électricité veut résilier mon contrat pour impayés",
        ),
        "cheque_energie": (
            "Je n'ai pas reçu mon chèque énergie cette année",
            "Comment utiliser le chèque énergie pour payer le fioul ?",
            "chèque énergie",
            "J'ai perdu mon chèque énergie, on peut le refaire ?",
            "Est-ce que j'ai droit au chèque énergie avec mes revenus ?",
            "Mon chèque énergie a expiré, il est encore valable ?",
            "Madame, Monsieur, je souhaiterais savoir pourquoi je n'ai pas reçu de chèque énergie",
            "le chèque énergie est parti à l'ancienne adresse",
            "Comment envoyer le chèque énergie directement à {fournisseur} ?",
            "chèque énergie pas reçu, j'ai déménagé il y a {duree}",
            "On m'a dit que le chèque énergie était de {montant} seulement, c'est normal ?",
            "Est-ce qu'il faut faire une demande pour le chèque énergie ou c'est automatique ?",
            "mon propriétaire refuse le chèque énergie pour les charges",
            "aide pour payer le chauffage cet hiver ? genre chèque énergie",
            "Le site du chèque énergie ne marche pas, je n'arrive pas à le valider",
        ),
        "coupure_chauffage": (
            "Le chauffage ne marche plus depuis {duree}",
            "Plus de chauffage ni d'eau chaude dans l'immeuble",
            "panne de chaudière",
            "Il fait 14 degrés chez moi, {bailleur} ne répond pas",
            "On a froid, les radiateurs sont glacés depuis {duree} et j'ai un bébé",
            "Le gaz a été coupé, on ne peut plus se chauffer",
            "Madame, Monsieur, je vous signale une panne de chauffage collectif {lieu} "
            "depuis {duree}",
            "la chaudière est en panne et le propriétaire ne veut pas la réparer",
            "Est-ce qu'il y a une aide pour acheter un radiateur d'appoint ?",
            "chauffage collectif coupé, {lieu}",
            "Je n'ai plus de fioul pour me chauffer et c'est l'hiver",
            "Ma mère de {age_parent} a froid chez elle, le chauffage est en panne",
            "radiateurs froids dans tout l'immeuble",
            "On nous a coupé le chauffage, est-ce que c'est légal en hiver ?",
            "Le technicien doit venir {date} mais on gèle en attendant, plus de chauffage",
        ),
        # ---- Cadre de vie ------------------------------------------------------------------
        "voirie": (
            "Il y a un gros nid de poule devant le 12 {lieu}",
            "Le trottoir est défoncé {lieu}, ma mère a failli tomber",
            "nid de poule",
            "Une plaque d'égout bouge quand les voitures passent",
            "Madame, Monsieur, je vous signale la dégradation de la chaussée {lieu}",
            "Les racines ont soulevé le trottoir, impossible de passer avec une poussette",
            "Le marquage du passage piéton a disparu devant le 3 {lieu}",
            "un panneau stop est par terre au carrefour, {lieu}",
            "Il faudrait un ralentisseur {lieu}, les voitures roulent trop vite",
            "trou dans la route au niveau du 8 {lieu}",
            "Le caniveau est bouché et la rue est inondée quand il pleut",
            "Une dalle du trottoir est cassée, c'est dangereux",
            "La route est toujours abîmée {lieu} alors que le chantier est fini",
            "Pouvez-vous reboucher les trous du parking, {lieu} ?",
            "bitume arraché sur toute la largeur de la route",
        ),
        "proprete": (
            "Il y a un dépôt sauvage de meubles {lieu}",
            "Les poubelles n'ont pas été ramassées depuis {duree}",
            "dépôt sauvage",
            "Quelqu'un a jeté un matelas et un frigo devant le 5 {lieu}",
            "Comment faire enlever des encombrants ?",
            "Les crottes de chien sur le trottoir, c'est insupportable",
            "Madame, Monsieur, je souhaite signaler l'accumulation de déchets {lieu}",
            "Des tags ont été faits sur la façade de notre immeuble",
            "le container à verre déborde depuis {duree}",
            "Il faudrait nettoyer l'aire de jeux, il y a des seringues",
            "Mes voisins laissent leurs sacs poubelles dans le hall",
            "rendez-vous encombrants pour un canapé {date}",
            "le bac jaune n'a pas été vidé",
            "Ça sent très mauvais près des containers {lieu}",
            "sacs d'ordures éventrés partout dans la rue",
        ),
        "eclairage_public": (
            "Le lampadaire devant chez moi est éteint depuis {duree}",
            "La rue est dans le noir complet, c'est dangereux, {lieu}",
            "lampadaire en panne",
            "Un lampadaire clignote toute la nuit devant le 4 {lieu}",
            "Madame, Monsieur, je vous signale une panne d'éclairage public {lieu}",
            "L'éclairage reste allumé en plein jour {lieu}",
            "Il n'y a plus de lumière dans le parc le soir, les enfants ont peur",
            "un poteau d'éclairage a été percuté par une voiture",
            "les réverbères de l'allée sont tous éteints",
            "plus d'éclairage sur le chemin de l'arrêt de bus",
            "Est-ce qu'on peut ajouter un lampadaire dans notre impasse ? c'est très sombre",
            "Le lampadaire fait un bruit électrique bizarre",
            "plus de lumière dans la rue depuis {duree}",
            "les lumières de la rue s'éteignent à minuit, c'est voulu ?",
            "câbles qui pendent d'un lampadaire {lieu}",
        ),
        # ---- Médiation et tranquillité -----------------------------------------------------
        "conflit_voisinage": (
            "J'ai un problème avec mon voisin qui m'insulte tous les jours",
            "Ma voisine me menace depuis {duree}",
            "conflit de voisinage",
            "Les voisins du dessus ont fait une fuite chez moi et refusent de payer",
            "Le voisin gare sa voiture devant mon garage tous les jours",
            "Madame, Monsieur, je sollicite une médiation avec mes voisins "
            "suite à des tensions répétées",
            "La haie du voisin déborde sur mon terrain et il refuse de la tailler",
            "On se dispute tout le temps avec les voisins pour les parties communes",
            "Mon voisin m'accuse de choses fausses auprès de {bailleur}",
            "Est-ce que la mairie fait de la médiation entre voisins ?",
            "Il y a des jeunes qui squattent le hall et nous intimident",
            "mon voisin jette des choses sur mon balcon",
            "les enfants du voisin abîment mes plantes et les parents s'en fichent",
            "harcèlement du voisin, j'ai peur de sortir",
            "Je voudrais un médiateur, ça dure depuis {duree} avec la famille d'en face",
        ),
        "nuisances_sonores": (
            "Les voisins font la fête tous les week-ends jusqu'à {heure}",
            "Le chien d'à côté aboie toute la journée",
            "bruit",
            "Musique très forte tous les soirs jusqu'à {heure}, je ne peux plus dormir",
            "Madame, Monsieur, je souhaite vous signaler des nuisances sonores récurrentes "
            "provenant du bar situé {lieu}",
            "Des travaux commencent à {heure} le dimanche, c'est autorisé ?",
            "Les motos font du rodéo dans la rue tous les soirs",
            "tapage nocturne au 3e étage",
            "Le bruit de la ventilation du supermarché m'empêche de dormir",
            "cris et disputes la nuit chez les voisins du dessous",
            "Le chantier {lieu} fait du bruit dès {heure}",
            "Les enfants jouent au ballon sous mes fenêtres jusqu'à {heure}",
            "Qui appeler pour du tapage en pleine nuit ?",
            "aboiements permanents, je n'en peux plus",
            "la salle des fêtes fait trop de bruit le samedi soir",
        ),
        # ---- Accès aux droits et numérique -------------------------------------------------
        "aide_demarches_en_ligne": (
            "Je n'arrive pas à faire ma démarche sur internet",
            "Je n'ai pas d'ordinateur, "
            "est-ce que quelqu'un peut m'aider pour mon dossier en ligne ?",
            "aide internet",
            "J'ai oublié mon mot de passe sur le site de {organisme}",
            "Comment créer un compte FranceConnect ?",
            "Madame, Monsieur, ne maîtrisant pas l'outil informatique, je sollicite "
            "un accompagnement pour mes démarches dématérialisées",
            "Il faut scanner des documents et je ne sais pas faire",
            "Je ne sais pas me servir d'un ordinateur et tout se fait en ligne maintenant",
            "Est-ce qu'il y a un conseiller numérique à la mairie ?",
            "Je n'ai pas d'adresse mail, on me la demande partout",
            "Mon espace en ligne sur le site de {organisme} est bloqué depuis {duree}",
            "besoin d'aide pour imprimer un document",
            "je dois faire ma déclaration sur internet avant {date} mais j'y comprends rien",
            "Le site me demande un code que je ne reçois pas sur mon portable",
            "Pouvez-vous m'aider à remplir un formulaire en ligne ? je ne lis pas bien le français",
        ),
        "ouverture_droits_caf": (
            "Je voudrais savoir si j'ai droit aux APL",
            "La CAF a suspendu mes allocations et je ne sais pas pourquoi",
            "dossier CAF",
            "Comment faire une demande de prime d'activité ?",
            "Je viens de me séparer, il faut que je change ma situation à la CAF",
            "Ma déclaration trimestrielle a été refusée par la CAF",
            "La CAF me réclame un trop-perçu de {montant}",
            "Madame, Monsieur, je sollicite votre aide pour l'ouverture de mes droits "
            "auprès de la Caisse d'allocations familiales",
            "Je viens d'avoir un bébé, quelles aides de la CAF je peux demander ?",
            "Mes allocations familiales n'ont pas été versées ce mois-ci",
            "je comprends pas le courrier de la CAF, ils disent que je dois {montant}",
            "Est-ce que je peux toucher l'allocation de soutien familial ?",
            "rdv caf svp",
            "On m'a dit de faire une simulation des droits, vous pouvez m'aider ?",
            "Mon numéro allocataire ne marche plus",
        ),
        "retraite_dossier": (
            "Je voudrais de l'aide pour mon dossier de retraite",
            "Je pars à la retraite {date}, quelles démarches ?",
            "retraite",
            "Il me manque des trimestres sur mon relevé de carrière",
            "Ma retraite n'a pas été versée depuis {duree}",
            "Madame, Monsieur, je sollicite un accompagnement pour constituer "
            "ma demande de pension de retraite",
            "Comment demander la pension de réversion après le décès de mon mari ?",
            "La CARSAT ne répond pas à mes courriers depuis {duree}",
            "J'ai travaillé à l'étranger, comment ça compte pour la retraite ?",
            "Est-ce que j'ai droit au minimum vieillesse ? j'ai {age_parent}",
            "Je ne comprends pas le montant de ma pension, {montant} c'est normal ?",
            "demande ASPA svp",
            "il faut faire la demande de retraite en ligne et je n'y arrive pas",
            "Ma retraite complémentaire n'est pas calculée",
            "combien de temps avant de toucher la première pension ?",
        ),
    }
)

# --------------------------------------------------------------------------------------------
# Agent notes, per motive (noun-first, telegraphic)
# --------------------------------------------------------------------------------------------

AGENT_PHRASES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "aide_alimentaire": (
            "demande de colis alimentaire",
            "demande d'aide alimentaire, famille de 4 personnes",
            "renouvellement inscription épicerie sociale",
            "bons alimentaires : pas de ressources avant {date}",
            "orientation banque alimentaire, n'a plus rien pour manger",
            "aide alimentaire d'urgence, reste {petit_montant} sur le compte",
            "accès épicerie solidaire, demande les justificatifs à fournir",
        ),
        "aide_financiere_urgence": (
            "demande d'aide financière d'urgence",
            "secours exceptionnel demandé : {montant}",
            "plus de ressources depuis {duree}, sollicite une aide ponctuelle",
            "demande de prêt CCAS, découvert de {montant}",
            "aide financière : versements de {organisme} suspendus",
            "dépannage financier en attendant le salaire",
            "situation budgétaire très dégradée, demande de secours",
        ),
        "domiciliation": (
            "demande de domiciliation",
            "renouvellement de l'élection de domicile, expire {date}",
            "sans domicile stable, souhaite recevoir son courrier au CCAS",
            "demande d'adresse administrative, hébergé chez un tiers",
            "retrait de courrier, domiciliation active",
            "attestation d'élection de domicile demandée par {organisme}",
            "domiciliation : vit dans son véhicule depuis {duree}",
        ),
        "demande_logement_social": (
            "demande de logement social à créer",
            "renouvellement de la demande de logement, expire {date}",
            "suivi de demande HLM, pas de proposition depuis {duree}",
            "sur-occupation : 5 personnes dans un F2, demande de relogement",
            "mutation chez {bailleur} pour logement adapté",
            "séparation, recherche un logement pour elle et {enfant}",
            "passage en commission d'attribution, demande des nouvelles du dossier logement",
        ),
        "impaye_loyer": (
            "impayé de loyer de {montant}",
            "dette locative auprès de {bailleur}, {duree} de retard",
            "demande FSL maintien pour arriérés de loyer",
            "APL suspendues, loyer non payé depuis {duree}",
            "plan d'apurement souhaité avec {bailleur}",
            "relance du bailleur reçue, impayé de {montant}",
            "difficultés de paiement du loyer suite perte d'emploi",
        ),
        "menace_expulsion": (
            "menace d'expulsion, audience {date}",
            "procédure d'expulsion en cours, dette de {montant}",
            "commandement de quitter les lieux reçu",
            "passage de l'huissier, expulsion prévue {date}",
            "assignation au tribunal, demande d'accompagnement",
            "fin de trêve hivernale, risque d'expulsion avec enfants",
            "concours de la force publique accordé, urgence hébergement",
        ),
        "logement_insalubre": (
            "signalement logement indigne {lieu}",
            "humidité et moisissures, enfant asthmatique",
            "infestation de cafards et punaises, bailleur ne répond pas",
            "demande de visite du service hygiène, logement dégradé",
            "fuite non réparée depuis {duree} chez {bailleur}",
            "installation électrique dangereuse, logement {lieu}",
            "dégât des eaux, plafond abîmé, propriétaire injoignable",
        ),
        "inscription_creche": (
            "demande de place en crèche pour {enfant}, {age_bebe}",
            "pré-inscription multi-accueil, naissance prévue {date}",
            "relance demande de crèche déposée il y a {duree}",
            "place en halte-garderie, quelques demi-journées",
            "recours après refus de place en crèche",
            "reprise d'emploi {date}, besoin de mode de garde collectif",
            "renseignements sur le tarif crèche et les pièces du dossier",
        ),
        "assistante_maternelle": (
            "recherche d'assistante maternelle, orientation RPE",
            "demande de liste des assistantes maternelles agréées, secteur {lieu}",
            "contrat avec nounou : questions sur Pajemploi et le CMG",
            "garde recherchée pour {enfant} ({age_bebe})",
            "projet de devenir assistante maternelle, infos agrément",
            "litige avec son assistante maternelle sur les heures",
            "mode de garde individuel, horaires atypiques",
        ),
        "inscription_scolaire": (
            "inscription scolaire de {enfant}, {age}",
            "demande de dérogation de secteur scolaire",
            "première inscription en maternelle, pièces à fournir",
            "nouvel arrivant {lieu}, enfants non scolarisés depuis {duree}",
            "changement d'école en cours d'année",
            "certificat d'inscription à remettre au directeur d'école",
            "passage en CP, inscription à faire en mairie",
        ),
        "tarif_cantine": (
            "révision du tarif de cantine, baisse de revenus",
            "contestation facture restauration scolaire",
            "impayé de cantine {petit_montant}, demande d'échéancier",
            "calcul du quotient familial pour la cantine",
            "inscription cantine de {enfant} et tarif applicable",
            "repas facturés pendant absence maladie, demande d'avoir",
            "demande de tarif social cantine",
        ),
        "centre_loisirs": (
            "inscription accueil de loisirs vacances pour {enfant}",
            "réservation mercredis ALSH, portail famille bloqué",
            "demande de place en séjour été, enfant de {age}",
            "annulation réservation centre aéré {date}",
            "garderie périscolaire matin et soir",
            "aide aux vacances et bons CAF pour colonie",
            "accueil de loisirs : enfant avec PAI",
        ),
        "carte_identite_passeport": (
            "RDV pour renouvellement de carte d'identité",
            "perte de CNI, déclaration de perte à faire",
            "pré-demande ANTS faite, souhaite un créneau passeport",
            "retrait de titre d'identité",
            "passeport urgent, départ {date}",
            "vol de papiers d'identité, renouvellement",
            "passeport mineur pour {enfant}",
        ),
        "acte_etat_civil": (
            "demande d'acte de naissance, copie intégrale",
            "déclaration de décès, famille à recevoir",
            "rectification d'erreur sur acte d'état civil",
            "constitution de dossier de mariage, date souhaitée {date}",
            "duplicata de livret de famille",
            "reconnaissance anticipée, RDV à fixer",
            "demande de PACS, pièces à fournir",
        ),
        "listes_electorales": (
            "inscription sur les listes électorales",
            "procuration pour le scrutin {date}",
            "carte électorale non reçue",
            "déménagement {lieu}, changement de bureau de vote",
            "erreur d'état civil sur la carte d'électeur",
            "ressortissant UE, inscription liste électorale complémentaire",
            "radiation des listes électorales, demande d'explication",
        ),
        "recherche_emploi": (
            "accompagnement à la recherche d'emploi",
            "aide à la rédaction de CV et lettre de motivation",
            "licenciement il y a {duree}, orientation France Travail",
            "jeune de 19 ans, orientation mission locale",
            "préparation d'entretien d'embauche {date}",
            "fin de droits chômage {date}, recherche d'emploi active",
            "demande d'infos forum de l'emploi et offres locales",
        ),
        "rsa_orientation": (
            "bénéficiaire RSA, demande de changement de référent",
            "suspension du RSA, contestation",
            "convocation équipe pluridisciplinaire RSA {date}",
            "contrat d'engagement réciproque à signer",
            "orientation parcours insertion sociale et professionnelle",
            "questions sur les 15 heures d'activité du RSA",
            "ouverture RSA suite fin de droits",
        ),
        "formation": (
            "recherche de formation qualifiante",
            "cours de FLE, niveau débutant",
            "financement du permis de conduire",
            "mobilisation du CPF, infos",
            "projet VAE, orientation vers un conseiller formation",
            "remise à niveau avant concours",
            "formation démarrant {date}, problème de garde d'enfant",
        ),
        "portage_repas": (
            "demande de portage de repas pour personne de {age_parent}",
            "mise en place portage repas à la sortie d'hospitalisation",
            "suspension des livraisons de repas pendant {duree}",
            "régime sans sel, portage de repas à adapter",
            "repas non livré ce jour, réclamation",
            "arrêt du portage de repas {date}",
            "tarif du portage de repas, demande d'aide",
        ),
        "aide_domicile_apa": (
            "demande d'APA à domicile, évaluation à programmer",
            "aide à domicile pour personne de {age_parent}, perte d'autonomie",
            "révision du plan d'aide APA, heures insuffisantes",
            "auxiliaire de vie absente, réclamation",
            "aide-ménagère : reste à charge de {montant} par mois",
            "renseignements EHPAD et hébergement temporaire",
            "dossier APA en attente depuis {duree}",
        ),
        "teleassistance": (
            "demande d'installation de téléassistance",
            "chutes répétées, personne de {age_parent} vivant seule",
            "inscription au registre canicule",
            "boîtier de téléassistance en panne",
            "résiliation téléassistance, entrée en établissement",
            "mise à jour des contacts à prévenir, téléassistance",
            "déclenchements intempestifs du médaillon",
        ),
        "dossier_mdph": (
            "aide à la constitution d'un dossier MDPH",
            "recours contre refus de PCH",
            "demande de carte mobilité inclusion",
            "renouvellement AAH, échéance {date}",
            "demande AESH pour enfant autiste",
            "RQTH, accompagnement dossier MDPH",
            "attente de décision MDPH depuis {duree}",
        ),
        "acces_soins": (
            "pas de complémentaire santé, demande de CSS",
            "ouverture de droits assurance maladie",
            "recherche de médecin traitant",
            "aide au financement de soins dentaires, devis de {montant}",
            "AME pour conjoint, dossier à constituer",
            "carte vitale perdue, démarche CPAM",
            "renoncement aux soins pour raison financière",
        ),
        "impaye_energie": (
            "impayé d'énergie de {montant} chez {fournisseur}",
            "menace de coupure électricité {date}",
            "demande FSL énergie",
            "limiteur de puissance posé, famille avec enfants",
            "facture de régularisation de {montant}, demande d'échéancier",
            "dette gaz, relance reçue",
            "contact fournisseur d'énergie pour délai de paiement",
        ),
        "cheque_energie": (
            "chèque énergie non reçu",
            "utilisation du chèque énergie pour fioul ou bois",
            "perte du chèque énergie, demande de duplicata",
            "éligibilité au chèque énergie",
            "affectation du chèque énergie au fournisseur",
            "chèque énergie envoyé à l'ancienne adresse",
            "aide au chauffage : information chèque énergie",
        ),
        "coupure_chauffage": (
            "panne de chauffage depuis {duree}, logement {lieu}",
            "coupure de chauffage collectif, {bailleur} prévenu",
            "plus d'eau chaude ni de chauffage, personne âgée de {age_parent}",
            "chaudière en panne, propriétaire ne répond pas",
            "demande de radiateur d'appoint",
            "gaz coupé, plus de moyen de chauffage",
            "intervention chauffagiste prévue {date}, famille avec bébé",
        ),
        "voirie": (
            "signalement nid de poule {lieu}",
            "trottoir dégradé, risque de chute",
            "plaque d'égout instable, {lieu}",
            "demande de ralentisseur {lieu}",
            "marquage au sol effacé, passage piéton",
            "caniveau bouché, chaussée inondée",
            "panneau de signalisation à terre, {lieu}",
        ),
        "proprete": (
            "dépôt sauvage signalé {lieu}",
            "poubelles non collectées depuis {duree}",
            "demande d'enlèvement d'encombrants {date}",
            "tags sur façade, demande de nettoyage",
            "containers débordants {lieu}",
            "seringues dans l'aire de jeux, intervention urgente",
            "dépôts d'ordures dans le hall d'immeuble",
        ),
        "eclairage_public": (
            "lampadaire éteint {lieu}",
            "panne d'éclairage public, rue entière dans le noir",
            "candélabre endommagé par un véhicule",
            "éclairage public allumé de jour",
            "lampadaire qui clignote, signalé par plusieurs riverains",
            "demande d'éclairage supplémentaire {lieu}",
            "câbles apparents sur mât d'éclairage",
        ),
        "conflit_voisinage": (
            "conflit de voisinage, demande de médiation",
            "insultes et menaces répétées de la part d'un voisin",
            "litige haie et limite de propriété avec le voisin",
            "stationnement gênant du voisin devant garage",
            "tensions dans les parties communes, {bailleur} informé",
            "occupation du hall par des jeunes, intimidation",
            "voisine qui se dit harcelée depuis {duree}",
        ),
        "nuisances_sonores": (
            "nuisances sonores nocturnes, fêtes répétées jusqu'à {heure}",
            "aboiements continus, chien laissé seul",
            "tapage nocturne signalé {lieu}",
            "bruit de chantier avant les horaires autorisés",
            "rodéos urbains le soir, bruit de motos",
            "nuisances d'un bar, musique amplifiée",
            "bruit d'équipement technique (ventilation), gêne le sommeil",
        ),
        "aide_demarches_en_ligne": (
            "accompagnement démarche en ligne sur le site de {organisme}",
            "création d'adresse mail et compte FranceConnect",
            "mot de passe oublié, espace personnel bloqué",
            "pas d'équipement informatique, orientation conseiller numérique",
            "aide à la numérisation et l'envoi de pièces en ligne",
            "déclaration en ligne à faire avant {date}",
            "usager peu à l'aise avec le numérique, démarches dématérialisées",
        ),
        "ouverture_droits_caf": (
            "ouverture de droits CAF suite séparation",
            "trop-perçu CAF de {montant}, demande de remise de dette",
            "simulation de droits aux prestations familiales",
            "suspension des allocations, contrôle CAF en cours",
            "demande de prime d'activité",
            "changement de situation à déclarer à la CAF",
            "allocation de soutien familial, infos",
        ),
        "retraite_dossier": (
            "constitution du dossier de retraite, départ prévu {date}",
            "relevé de carrière incomplet, trimestres manquants",
            "pension de réversion suite décès du conjoint",
            "demande d'ASPA",
            "retraite non versée depuis {duree}, relance CARSAT",
            "carrière à l'étranger, reconstitution pour la retraite",
            "demande de retraite en ligne, besoin d'accompagnement",
        ),
    }
)

# --------------------------------------------------------------------------------------------
# Requests that carry no service information
# --------------------------------------------------------------------------------------------

VAGUE_PHRASES: tuple[str, ...] = (
    "Bonjour je voudrais un rendez-vous svp",
    "j'ai besoin d'aide pour un papier",
    "Je voudrais parler à quelqu'un",
    "Pouvez-vous me rappeler ?",
    "C'est pour un renseignement",
    "J'ai reçu une lettre que je ne comprends pas",
    "Je suis déjà venue la semaine dernière et je n'ai pas eu de réponse",
    "On m'a dit de venir ici",
    "je ne sais pas vers qui me tourner",
    "c'est urgent, merci de me recontacter",
    "Je voudrais des informations",
    "Est-ce que je peux passer {date} ?",
    "J'ai une question",
    "C'est au sujet de mon dossier",
    "Je voudrais savoir où en est ma demande",
    "votre collègue m'a dit de vous écrire",
    "j'ai un souci, je peux vous expliquer au téléphone ?",
    "Quels sont vos horaires d'ouverture ?",
    "J'ai besoin d'un coup de main, c'est compliqué",
    "je voudrais prendre rendez-vous, c'est personnel",
    "Bonjour, j'attends toujours votre réponse",
    "il me faut un document mais je ne sais pas lequel",
)
VAGUE_AGENT_PHRASES: tuple[str, ...] = (
    "motif non précisé, souhaite un RDV",
    "demande de rappel, motif non précisé",
    "renseignements divers",
    "document à fournir, ne sait pas lequel",
    "demande de nouvelles de son dossier, pas de référence",
    "objet de la demande non communiqué",
    "question générale, à transmettre",
    "communication interrompue, à rappeler",
    "usager pressé, repassera {date}",
    "souhait de parler à un responsable, sans préciser",
)

# --------------------------------------------------------------------------------------------
# Connectors joining two needs, and generic context
# --------------------------------------------------------------------------------------------

CONNECTORS: tuple[str, ...] = (
    "et aussi",
    "par ailleurs",
    "autre chose :",
    "en plus",
    "de plus",
    "également",
    "et puis",
    "autre question :",
    "deuxième chose :",
    "et sinon",
    "au passage",
    "j'en profite :",
)

# Generic sentences residents add; none carries service information.
CONTEXT_SNIPPETS: tuple[str, ...] = (
    "c'est urgent",
    "merci de me rappeler",
    "je ne sais plus quoi faire",
    "je suis seule avec mes enfants",
    "je suis déjà venu mais personne ne m'a répondu",
    "ça fait {duree} que j'attends",
    "je ne parle pas bien français, désolé pour les fautes",
    "je suis disponible le matin",
    "merci de votre aide",
    "je peux passer {date} si besoin",
    "c'est la deuxième fois que j'écris",
)

# What a shock makes people say: a clause appended to the request, stating the problem, with
# an amount in proportion to the shock (``{montant}``) or without one. Keys are the shocks of
# ``motives.SHOCKS``; values are (with an amount, without one). Every clause speaks of its
# shock in words a social worker reads at once (licenciement, séparation, maladie, loyer,
# facture d'énergie). Amounts grow with the shock: what is owed, lost or left to pay.
SHOCK_CLAUSES: MappingProxyType[str, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "perte_emploi": (
            (
                "j'ai perdu mon emploi, il nous manque {montant} par mois",
                "depuis mon licenciement on a {montant} de moins chaque mois",
                "je suis au chômage depuis {duree} et j'ai perdu {montant} de salaire",
                "mon contrat s'est arrêté, je touchais {montant} et maintenant plus rien",
                "mon mari a été licencié, on a perdu {montant} de revenus",
                "j'ai perdu mon travail et j'ai déjà {montant} de retard dans les factures",
            ),
            (
                "j'ai perdu mon travail il y a {duree}",
                "je viens d'être licencié",
                "je suis au chômage depuis peu",
                "fin de contrat et plus de revenus",
            ),
        ),
        "separation": (
            (
                "depuis ma séparation je dois payer seule {montant} de charges",
                "mon conjoint est parti, il manque {montant} chaque mois",
                "le père des enfants est parti, il me manque {montant} par mois sans la pension "
                "alimentaire",
                "je suis séparée et j'ai {montant} de frais à assumer seule",
                "depuis le divorce j'ai {montant} de dettes du couple à rembourser",
            ),
            (
                "je viens de me séparer",
                "mon conjoint m'a quittée il y a {duree}",
                "je suis séparée depuis peu et seule avec les enfants",
                "on est en instance de divorce",
            ),
        ),
        "maladie": (
            (
                "je suis malade et j'ai {montant} de frais de soins à payer",
                "avec mon arrêt maladie je perds {montant} par mois",
                "mon mari est hospitalisé, il reste {montant} à notre charge",
                "mon traitement me coûte {montant} que je ne peux pas avancer",
                "depuis mon opération j'ai {montant} de frais médicaux",
            ),
            (
                "je suis malade depuis {duree}",
                "je sors de l'hôpital",
                "j'ai été opéré il y a {duree}",
                "mon médecin m'a mis en arrêt maladie",
            ),
        ),
        "impaye_loyer": (
            (
                "j'ai {montant} de dette de loyer",
                "je dois {montant} de loyers en retard à {bailleur}",
                "l'impayé de loyer atteint {montant}",
                "{bailleur} me réclame {montant} d'arriérés de loyer",
                "j'ai un retard de loyer de {montant}",
            ),
            (
                "je n'arrive plus à payer le loyer",
                "j'ai des loyers en retard",
                "{bailleur} m'a envoyé une relance pour les loyers impayés",
            ),
        ),
        "dette_energie": (
            (
                "j'ai une facture d'électricité de {montant} à payer",
                "je dois {montant} à {fournisseur} pour le gaz",
                "la facture d'énergie est de {montant} et je ne peux pas payer",
                "{fournisseur} me réclame {montant} sinon ils coupent le chauffage",
                "j'ai une dette de {montant} chez {fournisseur} pour l'électricité",
            ),
            (
                "{fournisseur} menace de couper l'électricité",
                "je n'arrive plus à payer le chauffage",
                "j'ai reçu une relance de {fournisseur} pour la facture d'énergie",
            ),
        ),
    }
)
# The same, as front-desk agents note them.
AGENT_SHOCK_CLAUSES: MappingProxyType[str, tuple[tuple[str, ...], tuple[str, ...]]] = (
    MappingProxyType(
        {
            "perte_emploi": (
                (
                    "suite licenciement, perte de revenus de {montant} par mois",
                    "fin de contrat, {montant} de ressources en moins",
                    "perte d'emploi récente, salaire de {montant} perdu",
                ),
                ("suite perte d'emploi", "licenciement récent", "au chômage depuis {duree}"),
            ),
            "separation": (
                (
                    "séparation récente, {montant} de charges à assumer seule",
                    "suite séparation, pension alimentaire non versée, manque {montant}",
                    "divorce en cours, dettes du couple {montant}",
                ),
                ("séparation récente", "suite divorce", "conjoint parti du domicile"),
            ),
            "maladie": (
                (
                    "problème de santé, reste à charge de {montant}",
                    "arrêt maladie, perte de {montant} par mois",
                    "hospitalisation, frais médicaux {montant}",
                ),
                (
                    "problème de santé en cours",
                    "sortie d'hospitalisation",
                    "en arrêt maladie depuis {duree}",
                ),
            ),
            "impaye_loyer": (
                (
                    "dette locative de {montant}",
                    "impayé de loyer {montant}",
                    "arriérés de loyer : {montant}",
                ),
                ("impayés de loyer", "retard de loyer signalé par {bailleur}"),
            ),
            "dette_energie": (
                (
                    "dette d'énergie de {montant} auprès de {fournisseur}",
                    "facture énergie impayée {montant}",
                    "impayé {fournisseur} de {montant}",
                ),
                ("impayé d'énergie", "menace de coupure {fournisseur}"),
            ),
        }
    )
)
AMOUNT_FORMATS: tuple[str, ...] = _AMOUNT_FORMATS

# --------------------------------------------------------------------------------------------
# Style material
# --------------------------------------------------------------------------------------------

# Invented signatures; any resemblance to a real person is accidental.
SIGNATURE_NAMES: tuple[str, ...] = (
    "Mme Delorgue", "M. Rastoul", "Nadia Pellouard", "K. Halbouni", "Fatou Nadalou",
    "Famille Orsetti", "Josiane Valorge", "M. Tournevieux", "Mme Kerdaliou", "Mehdi Zamoura",
    "Aurélie Brévanne", "Thierry Castelmur", "Leïla Yessadi", "M. et Mme Ferrandel",
    "Christelle Lamarsque", "Samuel Morvellec", "Monique Quiberne", "Y. Sabatou",
    "Paulo Ribeirand", "Kevin Dessaulmes", "Mme Guivrec", "Jean-Marc Pellouard",
    "Yasmina Ouaddani", "Mme Vintrelle",
)  # fmt: skip

EMAIL_GREETINGS: tuple[str, ...] = (
    "Bonjour,",
    "Bonjour,",
    "Bonjour Madame, Monsieur,",
    "Madame, Monsieur,",
    "Bonsoir,",
    "Bonjour à vous,",
    "Bonjour madame,",
    "Bonjour monsieur,",
    "Bonjour à toute l'équipe,",
)
EMAIL_POLITE: tuple[str, ...] = (
    "Merci d'avance pour votre retour.",
    "Dans l'attente de votre réponse.",
    "Je reste disponible pour tout renseignement.",
    "Merci de me tenir informé.",
    "Pouvez-vous me répondre rapidement ?",
)
EMAIL_CLOSINGS: tuple[str, ...] = (
    "Cordialement",
    "Bien à vous",
    "Merci",
    "Bonne journée",
    "Cdlt",
    "Salutations",
    "Merci beaucoup",
    "Bien cordialement",
)
EMAIL_FOOTERS: tuple[str, ...] = ("Envoyé de mon iPhone", "Envoyé depuis mon mobile")

AGENT_PHONE_OPENINGS: tuple[str, ...] = (
    "Mme appelle pour",
    "Mr appelle pour",
    "Appel de Mme :",
    "Appel de M. :",
    "Rappeler Mr au sujet de",
    "Rappeler Mme au sujet de",
    "Message répondeur de Mme :",
    "Tél. Mr :",
    "Mme a téléphoné pour",
    "Appel entrant, usager :",
)
AGENT_DESK_OPENINGS: tuple[str, ...] = (
    "Usager se présente au guichet :",
    "Usagère se présente au guichet :",
    "Mme reçue à l'accueil pour",
    "Mr passé à l'accueil :",
    "Accueil physique, Mme :",
    "Passage au guichet de Mr pour",
    "Venue spontanée de Mme :",
    "Mr au guichet :",
)
# Reports made by the authority's own staff (channel "interne").
AGENT_INTERNAL_OPENINGS: tuple[str, ...] = (
    "Signalement agent de terrain :",
    "Remontée interne :",
    "Constat d'un agent :",
    "Signalé par la police municipale :",
    "Transmis par un partenaire :",
    "Tournée du matin, constat :",
)
# Openings before a resident's own words reported by the agent.
AGENT_REPORTED_OPENINGS: tuple[str, ...] = (
    "Mme dit :",
    "Mr explique :",
    "Mme indique :",
    "Propos de l'usager :",
    "Mr déclare :",
    "Usagère explique :",
)
AGENT_CLOSINGS: tuple[str, ...] = (
    "À rappeler.",
    "Rappel souhaité en fin de journée.",
    "RDV proposé.",
    "Infos données.",
    "Transmis au service.",
    "Pièces manquantes.",
    "Urgent.",
    "Usager mécontent.",
    "Dossier à suivre.",
    "Sans suite pour le moment.",
    "Attend un retour rapide.",
)
AGENT_TIMESTAMPS: tuple[str, ...] = ("9h10", "9h45", "10h20", "11h05", "14h00", "15h35", "16h50")

LETTER_SALUTATIONS: tuple[str, ...] = (
    "Madame, Monsieur,",
    "Madame, Monsieur,",
    "Monsieur le Maire,",
    "Madame la Maire,",
    "Madame la Directrice,",
    "Monsieur le Directeur,",
)
LETTER_SUBJECTS: tuple[str, ...] = (
    "Objet : demande",
    "Objet : demande de rendez-vous",
    "Objet : réclamation",
    "Objet : sollicitation",
    "Objet : ma situation",
)
LETTER_OPENINGS: tuple[str, ...] = (
    "Je me permets de vous écrire au sujet de ma situation.",
    "Par la présente, je sollicite votre bienveillance.",
    "Je vous écris car j'ai besoin de votre aide.",
    "Je prends la liberté de vous écrire.",
    "Je me tourne vers vos services.",
)
LETTER_CLOSINGS: tuple[str, ...] = (
    "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
    "Veuillez agréer, Madame, Monsieur, mes sincères salutations.",
    "Dans l'attente d'une réponse favorable, je vous prie de croire "
    "en mes respectueuses salutations.",
    "Avec mes remerciements anticipés, recevez mes salutations respectueuses.",
    "Je vous remercie par avance de l'attention portée à ma demande.",
)

FORM_PREFIXES: tuple[str, ...] = ("Bonjour, ", "Bonjour ", "Bjr ", "Bonjour. ")
FORM_SUFFIXES: tuple[str, ...] = (" Merci.", " merci d'avance", " Cordialement.", " Merci bcp")
SMS_GREETINGS: tuple[str, ...] = ("bjr ", "slt ", "Bonjour ", "bsr ", "Bjr, ", "cc ")
SMS_SUFFIXES: tuple[str, ...] = (" stp", " svp", " mrc", " merci", " !!", " svp merci", " ??")

# Word-level rewrites, applied with word boundaries and case-insensitively.
# Light: the abbreviations nearly every texter uses.
SMS_ABBREVIATIONS_LIGHT: MappingProxyType[str, str] = MappingProxyType(
    {
        "s'il vous plaît": "svp",
        "s'il te plaît": "stp",
        "rendez-vous": "rdv",
        "beaucoup": "bcp",
        "bonjour": "bjr",
        "quand": "qd",
        "pourquoi": "pk",
        "je ne sais pas": "jsp",
        "je sais pas": "jsp",
        "pour": "pr",
        "quelque chose": "qqch",
        "quelqu'un": "qqn",
        "aujourd'hui": "auj",
    }
)
# Heavy: on top of the light ones.
SMS_ABBREVIATIONS_HEAVY: MappingProxyType[str, str] = MappingProxyType(
    {
        **SMS_ABBREVIATIONS_LIGHT,
        "salut": "slt",
        "c'est": "c",
        "j'ai": "jai",
        "je suis": "jsuis",
        "est-ce que": "esk",
        "est-ce qu'il": "esk il",
        "qu'est-ce que": "keske",
        "vous": "vs",
        "avec": "avc",
        "toujours": "tjrs",
        "maintenant": "mtn",
        "dans": "ds",
        "tout": "tt",
        "merci": "mrc",
        "problème": "pb",
        "d'accord": "dac",
        "parce que": "pcq",
        "quoi": "koi",
        "message": "msg",
        "téléphone": "tel",
    }
)
# Abbreviations front-desk agents use in their notes.
AGENT_ABBREVIATIONS: MappingProxyType[str, str] = MappingProxyType(
    {
        "demande": "dde",
        "demandes": "ddes",
        "rendez-vous": "RDV",
        "pour": "pr",
        "téléphone": "tél",
        "information": "info",
        "informations": "infos",
        "quelque chose": "qqch",
        "quelqu'un": "qqn",
        "logement": "lgt",
        "enfant": "enft",
        "enfants": "enfts",
        "personne": "pers.",
        "beaucoup": "bcp",
        "sans": "ss",
        "depuis": "dps",
        "situation": "situ",
        "conjoint": "cjt",
        "semaine": "sem.",
        "accompagnement": "accompt",
        "renouvellement": "renouvt",
    }
)

# --------------------------------------------------------------------------------------------
# Motive keywords
# --------------------------------------------------------------------------------------------

# Lower-case, accent-free words or phrases that point at a motive's service. Tests match them
# as whole words on normalised text (an optional "e", "s", "es" or "x" ending allowed): every
# motive's texts mostly contain one, vague texts never do.
MOTIVE_KEYWORDS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "aide_alimentaire": (
            "colis", "alimentaire", "alimentaires", "manger", "mange", "courses", "nourriture",
            "epicerie", "restos du coeur", "banque alimentaire", "frigo", "faim",
        ),
        "aide_financiere_urgence": (
            "aide financiere", "secours", "decouvert", "une avance", "depannage", "pret", "argent",
            "centime", "fins de mois", "aide exceptionnelle", "ressources", "salaire",
            "budgetaire", "urgence", "urgente", "versements", "obseques", "payer",
        ),
        "domiciliation": (
            "domiciliation", "domicilie", "domicile", "adresse", "sdf", "a la rue",
            "boite aux lettres", "heberge", "courrier", "lettres",
        ),
        "demande_logement_social": (
            "logement", "lgt", "hlm", "appartement", "numero unique", "relogement", "mutation",
            "f2", "f3", "t4", "commission", "sur-occupation",
        ),
        "impaye_loyer": (
            "loyer", "loyers", "impaye", "impayes", "dette locative", "arriere", "arrieres",
            "apurement", "fsl", "echeancier", "relance",
        ),
        "menace_expulsion": (
            "expulsion", "expulses", "huissier", "commandement", "tribunal", "juge", "jugement",
            "treve hivernale", "quitter les lieux", "force publique", "procedure", "serrures",
            "audience", "assignation", "dehors",
        ),
        "logement_insalubre": (
            "moisissure", "moisissures", "humidite", "humide", "insalubre", "indigne",
            "infiltration", "fuite", "cafards", "punaises", "rats", "degat des eaux",
            "champignons", "delabrement", "hygiene", "plafond", "logement", "lgt",
            "electriques", "electrique", "fenetres",
        ),
        "inscription_creche": (
            "creche", "multi-accueil", "halte-garderie", "mode de garde", "bebe", "jeune enfant",
            "pre-inscription",
        ),
        "assistante_maternelle": (
            "assistante maternelle", "assistantes maternelles", "ass mat", "nounou", "nounous",
            "nourrice", "relais petite enfance", "rpe", "pajemploi", "mode de garde", "garde",
            "agrement",
        ),
        "inscription_scolaire": (
            "ecole", "scolaire", "scolarise", "scolarisee", "scolarises", "maternelle",
            "petite section", "cp", "rentree", "derogation", "affectation", "inscription",
        ),
        "tarif_cantine": (
            "cantine", "restauration scolaire", "repas", "quotient familial", "quotient", "tarif",
            "portail famille",
        ),
        "centre_loisirs": (
            "centre de loisirs", "centre aere", "accueil de loisirs", "alsh", "periscolaire",
            "garderie", "sejour", "colonie", "stages", "vacances", "mercredis", "mercredi",
        ),
        "carte_identite_passeport": (
            "carte d'identite", "carte identite", "cni", "passeport", "pre-demande", "ants",
            "empreintes", "identite", "titre d'identite",
        ),
        "acte_etat_civil": (
            "acte", "etat civil", "naissance", "mariage", "marier", "deces", "decedee",
            "livret de famille", "pacs", "reconnaissance anticipee", "copie integrale",
            "extrait", "prenom",
        ),
        "listes_electorales": (
            "listes electorales", "liste electorale", "electorale", "voter", "vote", "elections",
            "electeur", "procuration", "bureau de vote", "scrutin", "municipales", "radiee",
            "radiation",
        ),
        "recherche_emploi": (
            "emploi", "travail", "boulot", "cv", "embauche", "france travail", "pole emploi",
            "mission locale", "chomage", "job", "interim", "offres", "lettre de motivation",
            "licencie", "licenciement",
        ),
        "rsa_orientation": (
            "rsa", "referent", "contrat d'engagement", "insertion", "orientation", "oriente",
            "revenu de solidarite", "15 heures", "pluridisciplinaire", "sanction", "departement",
        ),
        "formation": (
            "formation", "formations", "diplome", "qualifiante", "qualifiantes", "cap", "permis",
            "fle", "cours", "apprendre", "remise a niveau", "vae", "cpf", "bafa", "etudes",
            "concours",
        ),
        "portage_repas": (
            "portage", "repas", "plateaux", "livrer", "livre", "livres", "livraisons",
            "cuisiner", "manger",
        ),
        "aide_domicile_apa": (
            "apa", "aide a domicile", "aide menagere", "aide-menagere", "auxiliaire de vie",
            "autonomie", "dependance", "gir", "toilette", "menage", "ehpad", "plan d'aide",
            "allocation personnalisee",
        ),
        "teleassistance": (
            "teleassistance", "bip", "medaillon", "bracelet", "boitier", "chute", "chutes",
            "chuter", "tombe", "bouton d'appel", "alarme", "canicule", "alerte",
        ),
        "dossier_mdph": (
            "mdph", "handicap", "handicape", "handicapees", "aah", "rqth", "pch",
            "carte mobilite inclusion", "invalidite", "taux d'incapacite", "aesh", "fauteuil",
            "autiste",
        ),
        "acces_soins": (
            "mutuelle", "complementaire sante", "css", "ame", "carte vitale", "medecin",
            "medecins", "soins", "soigner", "dentiste", "dentaires", "lunettes", "hopital",
            "pharmacie", "medicaments", "secu", "assurance maladie", "cpam", "sante",
            "vacciner", "rembourse",
        ),
        "impaye_energie": (
            "facture", "electricite", "gaz", "edf", "engie", "fournisseur", "compteur", "linky",
            "limiteur", "regularisation", "energie", "fsl", "courant", "coupee", "couper",
            "coupure",
        ),
        "cheque_energie": ("cheque energie", "cheque", "energie", "fioul"),
        "coupure_chauffage": (
            "chauffage", "chauffer", "chaudiere", "radiateur", "radiateurs", "froid", "froids",
            "eau chaude", "panne", "gele", "degres", "fioul", "hiver", "chauffagiste",
        ),
        "voirie": (
            "nid de poule", "trottoir", "chaussee", "route", "bitume", "goudron", "dalle",
            "caniveau", "plaque d'egout", "marquage", "ralentisseur", "panneau", "voirie",
            "trou", "trous", "passage pieton", "carrefour",
        ),
        "proprete": (
            "depot sauvage", "depots sauvages", "depots d'ordures", "poubelle", "poubelles",
            "ordures", "dechets", "encombrants", "crottes", "tags", "container", "containers",
            "bac", "ramassees", "collectees", "matelas", "seringues", "nettoyer", "nettoyage",
        ),
        "eclairage_public": (
            "lampadaire", "lampadaires", "eclairage", "reverberes", "lumiere", "lumieres",
            "eteint", "eteints", "eteignent", "dans le noir", "clignote", "candelabre", "sombre",
            "poteau",
        ),
        "conflit_voisinage": (
            "voisin", "voisine", "voisins", "voisinage", "menace", "menaces", "insulte",
            "insultes", "harcelement", "harcelee", "dispute", "conflit", "mediation",
            "mediateur", "haie", "parties communes", "hall", "intimident", "intimidation",
        ),
        "nuisances_sonores": (
            "bruit", "bruits", "tapage", "musique", "fete", "fetes", "aboie", "aboiements",
            "chien", "cris", "nuisances", "sonores", "dormir", "sommeil", "chantier", "rodeo",
            "rodeos", "travaux",
        ),
        "aide_demarches_en_ligne": (
            "internet", "en ligne", "ordinateur", "site", "mot de passe", "franceconnect",
            "compte", "numerique", "scanner", "imprimer", "informatique", "dematerialisees",
            "mail", "code", "portable", "espace personnel", "numerisation",
        ),
        "ouverture_droits_caf": (
            "caf", "allocations", "allocation", "apl", "prime d'activite", "droits", "droit",
            "trimestrielle", "allocataire", "trop-percu", "prestations",
        ),
        "retraite_dossier": (
            "retraite", "carsat", "pension", "reversion", "trimestres", "aspa",
            "minimum vieillesse", "releve de carriere", "carriere",
        ),
    }
)  # fmt: skip
