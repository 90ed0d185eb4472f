"""The KIA invuldocument as data: chapters, questions, values and risk categories.

This is the one place where the instrument's texts live. Forms, pages, the PDF
report and the exchange format all read them from here.

* ``text_nl`` is the official Dutch question text of the invuldocument (BZK), as
  quoted in Berenschot's *Kinderrechten Impact Assessment op TikTok* (2025).
* ``text_en`` is our translation.
* ``guidance_*`` is short help written for this app (not the handleiding's text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import get_language


class AnswerKind(StrEnum):
    """How a question is answered, and so which model holds the answer."""

    YES_NO = "yes_no"  # pre-scan: fields on Assessment
    TEXT = "text"  # free text (Markdown): Answer
    GOALS = "goals"  # 2.5: Goal rows (one main goal, sub-goals)
    CONTRIBUTION = "contribution"  # 2.8-2.14: Contribution
    RISKS = "risks"  # 3.1-3.8: Risk rows in a category (+ an Answer for the overall text)
    MEASURES = "measures"  # 4.1: Measure rows per risk (+ an Answer for the overall text)
    PROPORTIONALITY = "proportionality"  # 5.3: table rows + an Answer for the weighing


@dataclass(frozen=True)
class Text:
    nl: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "nl").startswith("en") else self.nl

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.nl


@dataclass(frozen=True)
class Part:
    """A numbered sub-question that gets its own answer (e.g. 2.3.1 time and period)."""

    number: str
    title: Text


@dataclass(frozen=True)
class WellbeingValue:
    key: str
    name: Text


@dataclass(frozen=True)
class Question:
    number: str
    text: Text
    guidance: Text
    kind: AnswerKind = AnswerKind.TEXT
    short: Text | None = None  # a heading-sized label, e.g. "Doeltreffendheid"
    parts: tuple[Part, ...] = ()
    elements: tuple[Text, ...] = ()  # 2.8-2.14: the element(s) of wellbeing asked about
    values: tuple[WellbeingValue, ...] = ()  # 2.8-2.14: the value(s) the question is built on
    category: str = ""  # 3.1-3.8: key of the RiskCategory
    per_goal: bool = False  # 2.6, 5.1, 5.2 may also be answered per goal

    @property
    def chapter(self) -> int:
        return int(self.number.split(".")[0])

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """Keys under which free-text answers to this question are stored."""
        if self.kind in (AnswerKind.YES_NO, AnswerKind.CONTRIBUTION, AnswerKind.GOALS):
            return ()
        if self.parts:
            return tuple(part.number for part in self.parts)
        return (self.number,)


@dataclass(frozen=True)
class Section:
    title: Text
    questions: tuple[Question, ...]
    intro: Text | None = None


@dataclass(frozen=True)
class Chapter:
    number: int
    title: Text
    intro: Text
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)


@dataclass(frozen=True)
class RiskCategory:
    key: str
    number: str  # the question number, 3.1-3.8
    name: Text
    definition: Text
    cross_cutting: bool = False


# --- Wellbeing values (the values behind questions 2.8-2.14) -----------------------------------

SELF_ACTUALISATION = WellbeingValue(
    "self_actualisation", Text("zelfverwezenlijking", "self-actualisation")
)
EMPOWERMENT = WellbeingValue("empowerment", Text("empowerment", "empowerment"))
CREATIVITY = WellbeingValue("creativity", Text("creativiteit", "creativity"))
COMPETENCE = WellbeingValue("competence", Text("competentie", "competence"))
EMOTIONAL_REGULATION = WellbeingValue(
    "emotional_regulation", Text("emotionele regulatie", "emotional regulation")
)
SOCIAL_CONNECTION = WellbeingValue(
    "social_connection", Text("sociale verbondenheid", "social connection")
)
DIVERSITY = WellbeingValue("diversity", Text("diversiteit", "diversity"))
EQUALITY = WellbeingValue("equality", Text("gelijkheid", "equality"))
INCLUSION = WellbeingValue("inclusion", Text("inclusiviteit", "inclusion"))

VALUES: tuple[WellbeingValue, ...] = (
    SELF_ACTUALISATION,
    EMPOWERMENT,
    CREATIVITY,
    COMPETENCE,
    EMOTIONAL_REGULATION,
    SOCIAL_CONNECTION,
    DIVERSITY,
    EQUALITY,
    INCLUSION,
)

# --- Risk categories (3.1-3.8) -----------------------------------------------------------------
# Definitions summarised in our own words from the handleiding as quoted in the Berenschot
# report; the typology matches the OECD's 2021 typology of risks for children online.

RISK_CATEGORIES: tuple[RiskCategory, ...] = (
    RiskCategory(
        "content",
        "3.1",
        Text("Contentrisico's", "Content risks"),
        Text(
            "Het kind krijgt (onverwacht en ongewild) inhoud te zien die voor iedereen "
            "beschikbaar is en die illegaal, haatdragend of mogelijk schadelijk is.",
            "The child (unexpectedly and unwillingly) receives content that is available to all "
            "users and that may be illegal, hateful or otherwise harmful.",
        ),
    ),
    RiskCategory(
        "conduct",
        "3.2",
        Text("Gedragsrisico's", "Conduct risks"),
        Text(
            "Het kind gedraagt zich bij het gebruik van de dienst op een manier die risico's "
            "oplevert voor zichzelf of voor anderen.",
            "The child behaves, while using the service, in a way that is risky for themselves "
            "or for others.",
        ),
    ),
    RiskCategory(
        "contact",
        "3.3",
        Text("Contactrisico's", "Contact risks"),
        Text(
            "Risico's in de interactie van het kind met anderen, zowel minderjarigen als "
            "volwassenen, die het ontwerp en gebruik van de dienst mogelijk maken.",
            "Risks in the child's interaction with others, minors or adults, that the design "
            "and use of the service make possible.",
        ),
    ),
    RiskCategory(
        "consumer",
        "3.4",
        Text("Consumentenrisico's", "Consumer risks"),
        Text(
            "Risico's voor het kind als consument: contractuele risico's, oneerlijke "
            "handelspraktijken en onrechtmatige verwerking van persoonsgegevens.",
            "Risks to the child as a consumer: contract risks, unfair commercial practices and "
            "unlawful processing of personal data.",
        ),
    ),
    RiskCategory(
        "advanced_technology",
        "3.5",
        Text("Geavanceerde technologierisico's", "Advanced technology risks"),
        Text(
            "Risico's van algoritmegestuurde functies, datagedreven gedragsbeïnvloeding en "
            "biometrie in het ontwerp, gelet op leeftijd en ontwikkelende vermogens. "
            "Doorsnijdend: kan in alle andere categorieën optreden.",
            "Risks of algorithm-driven features, data-driven behavioural design and biometrics "
            "in the design, given the child's age and evolving capacities. Cross-cutting: can "
            "occur in every other category.",
        ),
        cross_cutting=True,
    ),
    RiskCategory(
        "privacy",
        "3.6",
        Text("Privacyrisico's", "Privacy risks"),
        Text(
            "Inbreuken op de privacy van het kind: inmenging in privéleven en communicatie, "
            "onrechtmatige verwerking van persoonsgegevens, of aantasting van integriteit, eer "
            "of reputatie. Doorsnijdend.",
            "Infringements of the child's privacy: interference with private life and "
            "communication, unlawful processing of personal data, or harm to integrity, honour "
            "or reputation. Cross-cutting.",
        ),
        cross_cutting=True,
    ),
    RiskCategory(
        "health",
        "3.7",
        Text("Gezondheidsrisico's", "Health risks"),
        Text(
            "Schade aan de mentale, emotionele of fysieke gezondheid van het kind die "
            "voortkomt uit ontwerpkeuzes van de dienst. Doorsnijdend.",
            "Harm to the child's mental, emotional or physical health that follows from design "
            "choices of the service. Cross-cutting.",
        ),
        cross_cutting=True,
    ),
    RiskCategory(
        "other",
        "3.8",
        Text("Overige risico's", "Other risks"),
        Text(
            "Andere risico's vóór maatregelen die niet in een van de categorieën hierboven passen.",
            "Other risks before measures that do not fit any of the categories above.",
        ),
    ),
)
CATEGORY_BY_KEY: dict[str, RiskCategory] = {c.key: c for c in RISK_CATEGORIES}


def _risk_question(key: str, text_nl: str, text_en: str) -> Question:
    category = CATEGORY_BY_KEY[key]
    return Question(
        category.number,
        Text(text_nl, text_en),
        Text(
            "Beschrijf per risico het brutorisico (vóór maatregelen) en schat kans en impact in "
            "op laag, midden of hoog. Kunt u een van beide niet inschatten, kies dan 'niet te "
            "beoordelen' en leg uit waarom. " + category.definition.nl,
            "For each risk, describe the gross risk (before measures) and estimate likelihood "
            "and impact as low, medium or high. If you cannot estimate one of them, choose "
            "'cannot be assessed' and explain why. " + category.definition.en,
        ),
        kind=AnswerKind.RISKS,
        short=category.name,
        category=key,
    )


# --- The chapters --------------------------------------------------------------------------------

CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        1,
        Text("Voorbereidingen", "Preparation"),
        Text(
            "De pre-scan bepaalt of een KIA voor deze dienst nodig is.",
            "The pre-scan decides whether this service needs a KIA.",
        ),
        (
            Section(
                Text("Pre-scan vragen", "Pre-scan questions"),
                (
                    Question(
                        "1.1",
                        Text(
                            "Biedt u een digitale dienst aan of gebruikt u deze?",
                            "Do you offer or use a digital service?",
                        ),
                        Text(
                            "Een KIA gaat over één digitale dienst: een app, website, platform "
                            "of ander digitaal product dat u aanbiedt of inzet.",
                            "A KIA is about one digital service: an app, website, platform or "
                            "other digital product that you offer or deploy.",
                        ),
                        kind=AnswerKind.YES_NO,
                    ),
                    Question(
                        "1.2",
                        Text(
                            "Is de digitale dienst feitelijk toegankelijk voor of wordt deze "
                            "ingezet bij personen jonger dan 18 jaar?",
                            "Is the digital service actually accessible to, or deployed with, "
                            "persons under 18?",
                        ),
                        Text(
                            "Het gaat om feitelijk gebruik, niet om de beoogde doelgroep: ook "
                            "een dienst voor volwassenen kan door kinderen worden gebruikt.",
                            "What counts is actual use, not the intended audience: a service "
                            "for adults can still be used by children.",
                        ),
                        kind=AnswerKind.YES_NO,
                    ),
                    Question(
                        "1.3",
                        Text(
                            "Indien u vraag 1.2 met 'nee' beantwoordt, kunt u aantonen dat de "
                            "dienst niet zal worden gebruikt door personen jonger dan 18 jaar of "
                            "deze niet wordt ingezet bij personen jonger dan 18 jaar?",
                            "If you answered 'no' to question 1.2, can you demonstrate that the "
                            "service will not be used by, or deployed with, persons under 18?",
                        ),
                        Text(
                            "Alleen invullen als 1.2 'nee' is. Kunt u het niet aantonen, dan "
                            "gaat u door met de KIA.",
                            "Only answer when 1.2 is 'no'. If you cannot demonstrate it, carry "
                            "on with the KIA.",
                        ),
                        kind=AnswerKind.YES_NO,
                    ),
                ),
            ),
        ),
    ),
    Chapter(
        2,
        Text("Doelstelling", "Objectives"),
        Text(
            "Waarom wordt de dienst ingezet, wat is het doel, en welke positieve bijdrage kan "
            "hij leveren aan de rechten en het welzijn van kinderen?",
            "Why is the service deployed, what is its goal, and what positive contribution can "
            "it make to children's rights and wellbeing?",
        ),
        (
            Section(
                Text("Beschrijving digitale dienst", "Description of the digital service"),
                (
                    Question(
                        "2.1",
                        Text(
                            "Geef een beschrijving van de digitale dienst.",
                            "Describe the digital service.",
                        ),
                        Text(
                            "Wie biedt de dienst aan, wat kunnen gebruikers ermee, welke "
                            "functies zijn er en hoe verdient de aanbieder eraan?",
                            "Who provides the service, what can users do with it, which "
                            "features does it have and how does the provider earn from it?",
                        ),
                        short=Text("Beschrijving", "Description"),
                    ),
                    Question(
                        "2.2",
                        Text(
                            "Welke technologie wordt er gebruikt om de digitale dienst te "
                            "realiseren?",
                            "What technology is used to realise the digital service?",
                        ),
                        Text(
                            "Beschrijf de technologie (bijv. aanbevelingsalgoritmen, moderatie, "
                            "leeftijdsverificatie) en hoe de dienst samenhangt met andere "
                            "systemen.",
                            "Describe the technology (e.g. recommender algorithms, moderation, "
                            "age assurance) and how the service relates to other systems.",
                        ),
                        short=Text("Technologie", "Technology"),
                    ),
                    Question(
                        "2.3",
                        Text("Wat is de scope van de dienst?", "What is the scope of the service?"),
                        Text(
                            "Beschrijf de scope in drie delen: de tijd en periode van gebruik, "
                            "de regio, en het (potentiële) aantal gebruikers.",
                            "Describe the scope in three parts: the time and period of use, "
                            "the region, and the (potential) number of users.",
                        ),
                        short=Text("Scope", "Scope"),
                        parts=(
                            Part("2.3.1", Text("Tijd en periode", "Time and period")),
                            Part("2.3.2", Text("Regio", "Region")),
                            Part("2.3.3", Text("Aantal gebruikers", "Number of users")),
                        ),
                    ),
                    Question(
                        "2.4",
                        Text("Wie is de doelgroep?", "Who is the target group?"),
                        Text(
                            "Noem leeftijden en soorten gebruikers, en wie de dienst feitelijk "
                            "gebruikt naast de beoogde doelgroep.",
                            "Name ages and kinds of users, and who actually uses the service "
                            "besides the intended audience.",
                        ),
                        short=Text("Doelgroep", "Target group"),
                    ),
                ),
            ),
            Section(
                Text(
                    "Beschrijving van het doel van de digitale dienst",
                    "Description of the goal of the digital service",
                ),
                (
                    Question(
                        "2.5",
                        Text(
                            "Wat is het doel dat bereikt moet worden met het gebruik van de "
                            "digitale dienst? Wat is het hoofddoel en wat zijn eventuele "
                            "subdoelen?",
                            "What goal should be achieved by using the digital service? What is "
                            "the main goal and what are any sub-goals?",
                        ),
                        Text(
                            "Leg één hoofddoel vast en zo nodig subdoelen. Vragen 2.6, 5.1 en "
                            "5.2 kunt u per doel beantwoorden.",
                            "Record one main goal and any sub-goals. Questions 2.6, 5.1 and 5.2 "
                            "can be answered per goal.",
                        ),
                        kind=AnswerKind.GOALS,
                        short=Text("Doelen", "Goals"),
                    ),
                    Question(
                        "2.6",
                        Text(
                            "Is de in te zetten digitale dienst een doeltreffend middel om de "
                            "gestelde doelen te realiseren? Leg uit.",
                            "Is the digital service an effective means to achieve the stated "
                            "goals? Explain.",
                        ),
                        Text(
                            "Onderbouw per doel waarom de dienst het doel (naar verwachting) "
                            "bereikt. In 5.1 komt u hierop terug.",
                            "Argue per goal why the service is (expected to be) effective. "
                            "Question 5.1 returns to this.",
                        ),
                        short=Text("Doeltreffendheid", "Effectiveness"),
                        per_goal=True,
                    ),
                    Question(
                        "2.7",
                        Text(
                            "Wanneer is de digitale dienst een succes? Hoe en wanneer meet je "
                            "dit? (bijvoorbeeld na 1 maand of na 2 jaar?)",
                            "When is the digital service a success? How and when do you measure "
                            "this? (for example after 1 month or after 2 years?)",
                        ),
                        Text(
                            "Noem meetbare succescriteria en het moment waarop u ze meet.",
                            "Name measurable success criteria and when you measure them.",
                        ),
                        short=Text("Succescriteria", "Success criteria"),
                    ),
                ),
            ),
            Section(
                Text(
                    "Beschrijving van de bijdrage aan het welzijn van kinderen",
                    "Description of the contribution to children's wellbeing",
                ),
                (
                    Question(
                        "2.8",
                        Text(
                            "Op wat voor manier geeft de digitale dienst een gevoel van "
                            "zingeving (sense of purpose), en draagt het bij aan het gevoel van "
                            "eigenwaarde?",
                            "In what way does the digital service give a sense of purpose, and "
                            "does it contribute to a sense of self-esteem?",
                        ),
                        Text(
                            "Denk aan inhoud die informeert, creativiteit aanmoedigt of "
                            "zelfacceptatie en persoonlijke groei steunt. De bijdrage verschilt "
                            "per kind.",
                            "Think of content that informs, encourages creativity or supports "
                            "self-acceptance and personal growth. The contribution differs per "
                            "child.",
                        ),
                        kind=AnswerKind.CONTRIBUTION,
                        elements=(
                            Text("zingeving", "sense of purpose"),
                            Text("eigenwaarde", "self-esteem"),
                        ),
                        values=(SELF_ACTUALISATION,),
                    ),
                    Question(
                        "2.9",
                        Text(
                            "Hoe draagt de digitale dienst bij aan een gevoel van controle en "
                            "het leren maken van keuzes?",
                            "How does the digital service contribute to a sense of control and "
                            "learning to make choices?",
                        ),
                        Text(
                            "Krijgen kinderen zeggenschap, bijvoorbeeld over welke inhoud ze "
                            "zien en delen?",
                            "Do children get a say, for example over which content they see and "
                            "share?",
                        ),
                        kind=AnswerKind.CONTRIBUTION,
                        elements=(Text("controle en keuzes maken", "control and making choices"),),
                        values=(EMPOWERMENT,),
                    ),
                    Question(
                        "2.10",
                        Text(
                            "Hoe stimuleert de digitale dienst de nieuwsgierigheid, openheid "
                            "voor nieuwe ervaringen en creatieve vaardigheden van kinderen?",
                            "How does the digital service stimulate children's curiosity, "
                            "openness to new experiences and creative skills?",
                        ),
                        Text(
                            "Creativiteit en leren overlappen sterk: beschrijf beide.",
                            "Creativity and learning overlap strongly: describe both.",
                        ),
                        kind=AnswerKind.CONTRIBUTION,
                        elements=(
                            Text("nieuwsgierigheid en creativiteit", "curiosity and creativity"),
                        ),
                        values=(CREATIVITY,),
                    ),
                    Question(
                        "2.11",
                        Text(
                            "Hoe draagt de digitale dienst bij aan de manier waarop kinderen "
                            "hun eigen vaardigheden zien?",
                            "How does the digital service contribute to the way children see "
                            "their own skills?",
                        ),
                        Text(
                            "Ook: biedt de dienst informatie die voor kinderen herkenbaar, "
                            "toegankelijk en begrijpelijk is?",
                            "Also: does the service offer information that children recognise, "
                            "can reach and understand?",
                        ),
                        kind=AnswerKind.CONTRIBUTION,
                        elements=(Text("eigen vaardigheden", "own skills"),),
                        values=(COMPETENCE,),
                    ),
                    Question(
                        "2.12",
                        Text(
                            "Hoe stelt de digitale dienst kinderen in staat om het gevoel van "
                            "stress te voorkomen of verminderen door positieve vormen van rust, "
                            "kalmte en escapisme te bieden?",
                            "How does the digital service enable children to prevent or reduce "
                            "stress by offering positive forms of rest, calm and escapism?",
                        ),
                        Text(
                            "Denk aan even ontsnappen aan de werkelijkheid en ontspannen, zonder "
                            "dat het gebruik dwangmatig wordt.",
                            "Think of briefly escaping reality and relaxing, without use "
                            "becoming compulsive.",
                        ),
                        kind=AnswerKind.CONTRIBUTION,
                        elements=(Text("rust en ontspanning", "rest and relaxation"),),
                        values=(EMOTIONAL_REGULATION,),
                    ),
                    Question(
                        "2.13",
                        Text(
                            "Op wat voor manier faciliteert de digitale dienst het maken van "
                            "veilige connecties met leeftijdsgenoten, familie of andere "
                            "belangrijke mensen in het leven?",
                            "In what way does the digital service facilitate safe connections "
                            "with peers, family or other important people in life?",
                        ),
                        Text(
                            "Kinderen noemen sociale verbinding zelf als belangrijk voor hun "
                            "welzijn. Hoe veilig zijn die contacten?",
                            "Children themselves name social connection as key to their "
                            "wellbeing. How safe are those contacts?",
                        ),
                        kind=AnswerKind.CONTRIBUTION,
                        elements=(Text("veilige sociale contacten", "safe social connections"),),
                        values=(SOCIAL_CONNECTION,),
                    ),
                    Question(
                        "2.14",
                        Text(
                            "Hoe zorgt de digitale dienst voor een toegankelijke, diverse en "
                            "inclusieve gebruikservaring?",
                            "How does the digital service provide an accessible, diverse and "
                            "inclusive user experience?",
                        ),
                        Text(
                            "Kunnen kinderen met verschillende achtergronden en beperkingen "
                            "meedoen, met respect voor hun rechten?",
                            "Can children of different backgrounds and abilities take part, "
                            "with respect for their rights?",
                        ),
                        kind=AnswerKind.CONTRIBUTION,
                        elements=(
                            Text(
                                "toegankelijkheid, diversiteit en inclusie",
                                "accessibility, diversity and inclusion",
                            ),
                        ),
                        values=(DIVERSITY, EQUALITY, INCLUSION),
                    ),
                ),
                intro=Text(
                    "De bijdrage aan het welzijn wordt beoordeeld aan de hand van acht "
                    "elementen in de vragen 2.8 tot en met 2.14. Let op: komen er tijdens het "
                    "gesprek risico's naar boven, leg ze dan meteen vast in hoofdstuk 3.",
                    "The contribution to wellbeing is assessed through eight elements in "
                    "questions 2.8 to 2.14. Note: if risks come up during the discussion, "
                    "record them straight away in chapter 3.",
                ),
            ),
        ),
    ),
    Chapter(
        3,
        Text("Risico's", "Risks"),
        Text(
            "Beschrijf de mogelijke negatieve impact aan de hand van een online "
            "risicoclassificatie. Ga uit van de situatie vóór maatregelen en bereken per "
            "beschreven risico de risico-inschatting als kans × impact.",
            "Describe the possible negative impact using an online risk classification. Assume "
            "the situation before measures and compute, for each described risk, the risk "
            "estimate as likelihood × impact.",
        ),
        (
            Section(
                Text("Risico's per categorie", "Risks per category"),
                (
                    _risk_question(
                        "content",
                        "Contentrisico's (risico's met betrekking tot de inhoud): Welke "
                        "(mogelijke) risico's bestaan er voor kinderen om bij het gebruik van de "
                        "digitale dienst (onverwacht en ongewild) te worden geconfronteerd met "
                        "inhoud die mogelijk schadelijk voor hen is?",
                        "Content risks: what (possible) risks are there that children, when "
                        "using the digital service, are (unexpectedly and unwillingly) "
                        "confronted with content that may be harmful to them?",
                    ),
                    _risk_question(
                        "conduct",
                        "Gedragsrisico's (conduct risks): Welke (mogelijke) risico's kunnen er "
                        "ontstaan voor derden door gedragingen van kinderen bij het gebruik van "
                        "de digitale dienst?",
                        "Conduct risks: what (possible) risks can arise for third parties from "
                        "children's behaviour when using the digital service?",
                    ),
                    _risk_question(
                        "contact",
                        "Contactrisico's (contact risks): Welke (potentiële) risico's zijn er in "
                        "het ontwerp en gebruik van de digitale dienst voor kinderen in hun "
                        "interactie met derden?",
                        "Contact risks: what (potential) risks are there in the design and use "
                        "of the digital service for children in their interaction with others?",
                    ),
                    _risk_question(
                        "consumer",
                        "Consumentenrisico's (consumer risks): Welke (potentiële) risico's zijn "
                        "er in het ontwerp en gebruik van de digitale dienst voor kinderen in "
                        "hun hoedanigheid van consument?",
                        "Consumer risks: what (potential) risks are there in the design and use "
                        "of the digital service for children in their capacity as consumers?",
                    ),
                ),
            ),
            Section(
                Text("Doorsnijdende risico's", "Cross-cutting risks"),
                (
                    _risk_question(
                        "advanced_technology",
                        "Geavanceerde technologierisico's: Welke geavanceerde technologieën als "
                        "onderdeel van het ontwerp van de digitale dienst kunnen (potentiële) "
                        "risico's voor kinderen opleveren, mede gelet op hun leeftijd en hun "
                        "ontwikkelende vermogens?",
                        "Advanced technology risks: which advanced technologies that are part "
                        "of the design of the digital service can pose (potential) risks to "
                        "children, also given their age and evolving capacities?",
                    ),
                    _risk_question(
                        "privacy",
                        "Privacyrisico's: Tot welke vormen van inbreuk op de privacy van "
                        "kinderen kan het ontwerp of het gebruik van de digitale dienst leiden? "
                        "Inbreuken op de privacy van kinderen omvatten mede willekeurige of "
                        "onrechtmatige inmenging in het privéleven en de communicatie van het "
                        "kind, het onwettig verwerken van persoonsgegevens van het kind of "
                        "(mogelijke) aantasting van de integriteit, eer of reputatie van het "
                        "kind.",
                        "Privacy risks: what forms of infringement of children's privacy can "
                        "the design or use of the digital service lead to? Infringements of "
                        "children's privacy include arbitrary or unlawful interference with the "
                        "child's private life and communication, unlawful processing of the "
                        "child's personal data, or (possible) harm to the child's integrity, "
                        "honour or reputation.",
                    ),
                    _risk_question(
                        "health",
                        "Gezondheidsrisico's: Tot welke mogelijke schade aan de mentale, "
                        "emotionele of fysieke gezondheid van kinderen kan het gebruik van de "
                        "digitale dienst leiden, ook rekening houdend met hun ontwikkelende "
                        "vermogens?",
                        "Health risks: what possible harm to children's mental, emotional or "
                        "physical health can use of the digital service lead to, also taking "
                        "their evolving capacities into account?",
                    ),
                    _risk_question(
                        "other",
                        "Overige risico's: Welke andere risico's zijn er op uw platform voordat "
                        "er maatregelen zijn genomen?",
                        "Other risks: what other risks are there on your platform before "
                        "measures are taken?",
                    ),
                ),
                intro=Text(
                    "Doorsnijdende risico's kunnen in alle categorieën hierboven optreden en "
                    "kunnen de risico's samen vergroten.",
                    "Cross-cutting risks can occur in all the categories above and together can "
                    "increase the risks.",
                ),
            ),
        ),
    ),
    Chapter(
        4,
        Text("Handelingsopties", "Options for action"),
        Text(
            "Hoe kan de (mogelijke) negatieve impact worden beperkt, en wat is het verwachte "
            "effect van elke maatregel?",
            "How can the (possible) negative impact be limited, and what is the expected effect "
            "of each measure?",
        ),
        (
            Section(
                Text("Maatregelen", "Measures"),
                (
                    Question(
                        "4.1",
                        Text(
                            "Welke kindgerichte maatregelen zijn er getroffen, of gaat u nemen, "
                            "om risico's te voorkomen?",
                            "Which child-focused measures have been taken, or will you take, to "
                            "prevent risks?",
                        ),
                        Text(
                            "Leg per risico de maatregelen vast met een beheerder, status en "
                            "termijn, en beschrijf het restrisico: het brutorisico min het "
                            "effect van de maatregelen.",
                            "Record the measures per risk with an owner, status and due date, "
                            "and describe the residual risk: the gross risk minus the effect of "
                            "the measures.",
                        ),
                        kind=AnswerKind.MEASURES,
                        short=Text("Maatregelen", "Measures"),
                    ),
                ),
            ),
        ),
    ),
    Chapter(
        5,
        Text("Afweging", "Weighing"),
        Text(
            "Weeg de bijdrage aan het welzijn af tegen de risico's, de ernst van de restrisico's "
            "en de doeltreffendheid van de dienst, en kom tot een oordeel over de impact op de "
            "rechten en het welzijn van kinderen.",
            "Weigh the contribution to wellbeing against the risks, the severity of the "
            "residual risks and the effectiveness of the service, and reach a judgement on the "
            "impact on children's rights and wellbeing.",
        ),
        (
            Section(
                Text("Afweging", "Weighing"),
                (
                    Question(
                        "5.1",
                        Text(
                            "Doeltreffendheid: Kijk naar uw antwoord bij vraag 2.6 – Bereikt "
                            "deze digitale dienst inderdaad het doel? Leg uit.",
                            "Effectiveness: look at your answer to question 2.6 – does this "
                            "digital service actually achieve the goal? Explain.",
                        ),
                        Text(
                            "Stel eerst vast of de doelen (waarschijnlijk) worden bereikt; "
                            "alleen dan kunnen voordelen tegen nadelen worden afgewogen.",
                            "First establish whether the goals are (probably) achieved; only "
                            "then can benefits be weighed against harms.",
                        ),
                        short=Text("Doeltreffendheid", "Effectiveness"),
                        per_goal=True,
                    ),
                    Question(
                        "5.2",
                        Text(
                            "Subsidiariteit: Is de dienst de beste manier (rekening houdend met "
                            "het welzijn van het kind) om het doel te bereiken? Zijn er geen "
                            "andere manieren beschikbaar om dit te doen? Leg uit.",
                            "Subsidiarity: is the service the best way (taking the child's "
                            "wellbeing into account) to achieve the goal? Are there no other "
                            "ways to do this? Explain.",
                        ),
                        Text(
                            "Overweeg minder ingrijpende alternatieven die kinderrechten minder "
                            "of niet raken.",
                            "Consider less intrusive alternatives that affect children's rights "
                            "less or not at all.",
                        ),
                        short=Text("Subsidiariteit", "Subsidiarity"),
                        per_goal=True,
                    ),
                    Question(
                        "5.3",
                        Text(
                            "Proportionaliteit/belangenafweging: staat de geconstateerde "
                            "(potentiële) inbreuk op kinderrechten in evenredige verhouding tot "
                            "de doelen na de genomen maatregelen? Vul het schema in en "
                            "onderbouw vervolgens de belangenafweging.",
                            "Proportionality/balancing of interests: is the identified "
                            "(potential) infringement of children's rights proportionate to the "
                            "goals after the measures taken? Fill in the table and then justify "
                            "the balancing of interests.",
                        ),
                        Text(
                            "Er zijn geen harde criteria: hoe ernstiger de verwachte impact, hoe "
                            "zwaarder de doelen moeten wegen. Commerciële belangen wegen alleen "
                            "op tegen het belang van het kind met zeer goede onderbouwing én "
                            "beschermende maatregelen.",
                            "There are no hard criteria: the more serious the expected impact, "
                            "the heavier the goals must weigh. Commercial interests outweigh the "
                            "child's interest only with very strong reasons and protective "
                            "measures.",
                        ),
                        kind=AnswerKind.PROPORTIONALITY,
                        short=Text("Proportionaliteit", "Proportionality"),
                    ),
                    Question(
                        "5.4",
                        Text(
                            "Conclusie: Gegeven uw antwoord op bovenstaande vragen, wat is uw "
                            "conclusie met betrekking tot het ontwerp en de inzet van uw "
                            "(voorgenomen) digitale dienst?",
                            "Conclusion: given your answers to the questions above, what is your "
                            "conclusion about the design and deployment of your (planned) "
                            "digital service?",
                        ),
                        Text(
                            "Vat de afweging samen in een oordeel over ontwerp en inzet.",
                            "Sum up the weighing in a judgement on design and deployment.",
                        ),
                        short=Text("Conclusie", "Conclusion"),
                    ),
                    Question(
                        "5.5",
                        Text(
                            "Vervolgacties: Welke acties zijn nodig om de bevindingen uit dit "
                            "assessment goed te borgen?",
                            "Follow-up actions: which actions are needed to properly secure the "
                            "findings of this assessment?",
                        ),
                        Text(
                            "Noem concrete acties, wie ze uitvoert en wanneer.",
                            "Name concrete actions, who carries them out and when.",
                        ),
                        short=Text("Vervolgacties", "Follow-up actions"),
                    ),
                    Question(
                        "5.6",
                        Text(
                            "Monitoring: Op welke manier kunt u monitoren dat geformuleerde "
                            "beheersmaatregelen effectief worden uitgevoerd? Op welke termijn en "
                            "onder welke omstandigheden voert u het KIA opnieuw uit?",
                            "Monitoring: how can you monitor that the control measures are "
                            "carried out effectively? When and under what circumstances will you "
                            "carry out the KIA again?",
                        ),
                        Text(
                            "Beschrijf hoe u de uitvoering van maatregelen bewaakt, hoe u omgaat "
                            "met toekomstige ontwerpwijzigingen en wanneer de KIA opnieuw wordt "
                            "uitgevoerd.",
                            "Describe how you check that measures are carried out, how you "
                            "handle future design changes and when the KIA will be repeated.",
                        ),
                        short=Text("Monitoring", "Monitoring"),
                    ),
                ),
            ),
        ),
    ),
)

# --- The invuldocument's own texts ---------------------------------------------------------------
# Official Dutch wording of the invuldocument (as printed in the Berenschot TikTok KIA, 2025),
# with our English translation. The report prints them where the form has them (the
# instruction boxes as boxes), unless an assessment leaves them out
# (``Assessment.report_instrument_texts``). Chapter.intro and Section.intro above are our
# short summaries for the app's pages.


@dataclass(frozen=True)
class Instruction:
    """An instruction box of the invuldocument and where it stands in the form."""

    place: str  # "introduction", "chapter-N" (after the chapter's introduction), "section-N.M"
    text: Text


INTRODUCTION: tuple[Text, ...] = (
    Text(
        "Ontwikkelt u digitale diensten gericht op kinderen? Dan moet u rekening houden met de "
        "risico’s die deze opleveren voor het kinderwelzijn. Voor u ligt het Kinderrechten "
        "Impact Assessment (KIA). Het Ministerie van Binnenlandse Zaken en "
        "Koninkrijksrelaties (BZK) heeft het KIA laten ontwikkelen om u te helpen bij het in "
        "kaart brengen van de mogelijke impact van de digitale dienst op de rechten en het "
        "welzijn van kinderen.",
        "Do you develop digital services aimed at children? Then you have to take into account "
        "the risks they bring for children’s wellbeing. This is the Children’s Rights Impact "
        "Assessment (KIA). The Ministry of the Interior and Kingdom Relations (BZK) had the KIA "
        "developed to help you map the possible impact of the digital service on the rights "
        "and wellbeing of children.",
    ),
    Text(
        "Het hoofddoel van het assessment is het faciliteren van discussies over de impact van "
        "digitale diensten op kinderrechten. Het assessment kan tevens dienen als "
        "verantwoordingsinstrument, maar de nadruk ligt voornamelijk op de bewustwording die "
        "ontstaat uit de dialogen tijdens het KIA-proces.",
        "The main aim of the assessment is to facilitate discussions about the impact of "
        "digital services on children’s rights. The assessment can also serve as an "
        "accountability instrument, but the emphasis lies mainly on the awareness that grows "
        "from the dialogues during the KIA process.",
    ),
    Text(
        "Het KIA bestaat uit een invuldocument en een handleiding. Het invuldocument kunt u "
        "gebruiken om de antwoorden op de vragen vast te leggen die tot doel hebben om de "
        "impact op kinderen in kaart te brengen. In de bijbehorende handleiding vindt u alle "
        "achtergrondinformatie die u nodig heeft om deze vragen goed te kunnen beantwoorden. "
        "Daarnaast geeft de handleiding informatie over het proces. Voor een goed overzicht "
        "corresponderen de hoofdstukken in dit invuldocument met de hoofdstukken in de "
        "handleiding.",
        "The KIA consists of a form (invuldocument) and a manual (handleiding). You use the "
        "form to record the answers to the questions that map the impact on children. The "
        "accompanying manual gives all the background you need to answer these questions "
        "well, and it describes the process. For a clear overview, the chapters of this form "
        "correspond to the chapters of the manual.",
    ),
)

# The chapters' own introductions in the invuldocument.
CHAPTER_INTRODUCTIONS: dict[int, Text] = {
    1: Text(
        "Het uitvoeren van een KIA is een belangrijke stap bij het waarborgen van de "
        "bescherming van de rechten van kinderen in relatie tot digitale diensten. Maar is het "
        "KIA voor u relevant? Om dit te bepalen kunnen de volgende vragen u helpen.",
        "Carrying out a KIA is an important step in safeguarding the protection of children’s "
        "rights in relation to digital services. But is the KIA relevant for you? The "
        "following questions can help you decide.",
    ),
    2: Text(
        "Om de potentiële impact van een digitale dienst grondig te kunnen beoordelen, is het "
        "essentieel om de redenen voor de inzet ervan te begrijpen. Wat is de reden voor het "
        "ontwikkelen of implementeren van de dienst? Welk doel dient de dienst en welke "
        "positieve impact kan deze hebben op de rechten en het welzijn van een kind?",
        "To assess the potential impact of a digital service thoroughly, it is essential to "
        "understand the reasons for deploying it. Why is the service being developed or "
        "implemented? What goal does it serve, and what positive impact can it have on a "
        "child’s rights and wellbeing?",
    ),
    3: Text(
        "Digitale diensten kunnen voor kinderen gepaard gaan met risico’s. De mogelijk "
        "negatieve impact van digitale diensten op de rechten en het welzijn van kinderen komen "
        "in de volgende vragen aan bod aan de hand van een online risicoclassificatie.",
        "Digital services can come with risks for children. The possible negative impact of "
        "digital services on children’s rights and wellbeing is covered in the following "
        "questions, using an online risk classification.",
    ),
    4: Text(
        "Indien er (mogelijke) risico’s zijn geïdentificeerd dienen de handelingsopties te "
        "worden bepaald. Hoe kan de (mogelijke) negatieve impact van de digitale dienst op de "
        "rechten en het welzijn van kinderen worden beperkt? En wat is het te verwachten "
        "effect van de maatregel? U richt zich in deze stap dus op het definiëren van "
        "maatregelen die de eerder geformuleerde risico’s kunnen mitigeren. Maatregelen "
        "spelen een cruciale rol bij het waarborgen van de rechten en het welzijn van kinderen "
        "en om eventuele schade of negatieve gevolgen te voorkomen of minimaliseren.",
        "If (possible) risks have been identified, the options for action have to be decided. "
        "How can the (possible) negative impact of the digital service on children’s rights "
        "and wellbeing be limited? And what effect can the measure be expected to have? In "
        "this step you therefore focus on defining measures that can mitigate the risks "
        "formulated earlier. Measures play a crucial role in safeguarding children’s rights "
        "and wellbeing and in preventing or minimising harm or negative consequences.",
    ),
    5: Text(
        "In de laatste fase maakt u een afweging op basis van de eerder geanalyseerde "
        "bijdragen met betrekking tot de rechten en het welzijn van kinderen enerzijds en de "
        "risico’s met betrekking tot kinderrechten en kinderwelzijn anderzijds. Door onder "
        "andere de risico’s, de zwaarte van de restrisico’s, de doeltreffendheid van de "
        "digitale dienst en de bijdrage aan kinderwelzijn tegen elkaar af te wegen, kunt u "
        "bepalen welke impact uw dienst heeft op kinderrechten en -welzijn. Deze afweging "
        "stelt u in staat om een inschatting te maken van de mate waarin uw dienst de rechten "
        "en het welzijn van kinderen positief dan wel negatief beïnvloedt.",
        "In the last phase you weigh the contributions to children’s rights and wellbeing "
        "analysed earlier against the risks to children’s rights and wellbeing. By weighing, "
        "among other things, the risks, the severity of the residual risks, the effectiveness "
        "of the digital service and the contribution to children’s wellbeing against each "
        "other, you can decide what impact your service has on children’s rights and "
        "wellbeing. This weighing lets you estimate to what extent your service affects "
        "children’s rights and wellbeing positively or negatively.",
    ),
}

# Introductions of sections in the invuldocument (keyed by the section's first question).
SECTION_INTRODUCTIONS: dict[str, Text] = {
    "2.8": Text(
        "Voor de uiteindelijke proportionaliteitsafweging is het van belang om goed in kaart "
        "te brengen hoe de digitale dienst bijdraagt aan de rechten en het welzijn van "
        "kinderen. De beoordeling gebeurt aan de hand van acht elementen in de vragen 2.8 tot "
        "en met 2.14.",
        "For the final weighing of proportionality it is important to map well how the "
        "digital service contributes to children’s rights and wellbeing. The assessment uses "
        "eight elements in questions 2.8 to 2.14.",
    ),
    "3.5": Text(
        "Doorsnijdende risico’s of ‘cross-cutting risks’ zijn risico’s die zich kunnen "
        "voordoen tussen alle bovengenoemde risicocategorieën en die de risico’s – in "
        "onderlinge samenhang – voor kinderen, hun rechten en hun welzijn mogelijk kunnen "
        "vergroten of vermeerderen. De volgende risico’s zijn doorsnijdende risico’s.",
        "Cross-cutting risks are risks that can occur across all the risk categories above "
        "and that – taken together – may increase or multiply the risks for children, their "
        "rights and their wellbeing. The following risks are cross-cutting risks.",
    ),
}

# The ten instruction boxes, in the order of the form.
INSTRUCTIONS: tuple[Instruction, ...] = (
    Instruction(
        "introduction",
        Text(
            "Wilt u meer weten over het KIA, wanneer u een KIA moet uitvoeren, hoe dit "
            "samenhangt met andere assessments en welk proces u moet volgen? Lees dan nu de "
            "inleiding van de handleiding.",
            "Would you like to know more about the KIA, when you should carry out a KIA, how it "
            "relates to other assessments and which process to follow? Then read the "
            "introduction of the manual now.",
        ),
    ),
    Instruction(
        "chapter-1",
        Text(
            "Meer toelichting bij de pre-scan vragen vindt u in hoofdstuk 1 van de handleiding.",
            "More explanation of the pre-scan questions is in chapter 1 of the manual.",
        ),
    ),
    Instruction(
        "chapter-2",
        Text(
            "Meer toelichting bij de vragen vindt u in Hoofdstuk 2 van de handleiding.",
            "More explanation of the questions is in chapter 2 of the manual.",
        ),
    ),
    Instruction(
        "section-2.8",
        Text(
            "Meer toelichting bij deze vragen vindt u in hoofdstuk 2 van de handleiding.",
            "More explanation of these questions is in chapter 2 of the manual.",
        ),
    ),
    Instruction(
        "section-2.8",
        Text(
            "Let op: tijdens het proces van het invullen van bijdragen is het zeer "
            "waarschijnlijk dat er al discussies plaatsvinden over mogelijke risico’s. Het is "
            "raadzaam om deze direct in te vullen in Hoofdstuk 3 Risico’s.",
            "Note: while the contributions are being filled in, discussions about possible "
            "risks are very likely to take place already. It is advisable to record these "
            "straight away in chapter 3, Risks.",
        ),
    ),
    Instruction(
        "chapter-3",
        Text(
            "Ga bij de beantwoording van de risicovragen uit van de situatie voordat er "
            "maatregelen zijn getroffen.",
            "When answering the risk questions, start from the situation before any measures "
            "have been taken.",
        ),
    ),
    Instruction(
        "chapter-3",
        Text(
            "Bereken de risico-inschatting door de vermenigvuldiging van kans met impact. "
            "Bereken dit voor elk omschreven risico, zo zul je meerdere risico-inschattingen "
            "berekenen per risicoclassificatie.",
            "Calculate the risk estimate by multiplying likelihood by impact. Calculate it for "
            "every risk described, so you will calculate several risk estimates per risk "
            "classification.",
        ),
    ),
    Instruction(
        "chapter-3",
        Text(
            "Meer toelichting bij de vragen over de diverse risico’s vindt u in hoofdstuk 3 van "
            "de handleiding.",
            "More explanation of the questions on the various risks is in chapter 3 of the manual.",
        ),
    ),
    Instruction(
        "chapter-4",
        Text(
            "Meer toelichting bij de vragen vindt u in hoofdstuk 4 van de handleiding",
            "More explanation of the questions is in chapter 4 of the manual.",
        ),
    ),
    Instruction(
        "chapter-5",
        Text(
            "Meer toelichting bij de vragen vindt u in hoofdstuk 6 van de handleiding.",
            "More explanation of the questions is in chapter 6 of the manual.",
        ),
    ),
)

# The stop rule under the pre-scan, as the form states it.
STOP_RULE = Text(
    "Heeft u vraag 1.2 met ‘ja’ en vraag 1.3 met ‘nee’ beantwoord, ga dan door met het "
    "beantwoorden van de vragen. Wanneer uw dienst niet toegankelijk is voor personen onder "
    "de 18 jaar of niet bij hen wordt ingezet, dan kunt u stoppen met het uitvoeren van het "
    "KIA.",
    "If you answered ‘yes’ to question 1.2 and ‘no’ to question 1.3, carry on answering the "
    "questions. If your service is not accessible to persons under 18 or is not deployed with "
    "them, you can stop carrying out the KIA.",
)


def instructions(place: str) -> tuple[Text, ...]:
    """The instruction boxes printed at ``place``, in the form's order."""
    return tuple(box.text for box in INSTRUCTIONS if box.place == place)


QUESTIONS: tuple[Question, ...] = tuple(q for chapter in CHAPTERS for q in chapter.questions)
QUESTION_BY_NUMBER: dict[str, Question] = {q.number: q for q in QUESTIONS}
CHAPTER_BY_NUMBER: dict[int, Chapter] = {c.number: c for c in CHAPTERS}

PRESCAN_QUESTIONS: tuple[Question, ...] = CHAPTERS[0].questions
CONTRIBUTION_QUESTIONS: tuple[Question, ...] = tuple(
    q for q in QUESTIONS if q.kind == AnswerKind.CONTRIBUTION
)
PER_GOAL_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.per_goal)

# Keys of every free-text answer (Answer.question): plain questions, the parts of 2.3, the
# overall text of each risk category, of 4.1 and the weighing text of 5.3.
ANSWER_KEYS: tuple[str, ...] = tuple(key for q in QUESTIONS for key in q.answer_keys)


def question(number: str) -> Question:
    """The question with this number; raises KeyError for unknown numbers."""
    return QUESTION_BY_NUMBER[number]


def category(key: str) -> RiskCategory:
    return CATEGORY_BY_KEY[key]


# --- Choices for model fields (callables, so they follow the active language) -------------------


def category_choices() -> list[tuple[str, str]]:
    return [(c.key, f"{c.number} {c.name}") for c in RISK_CATEGORIES]


def answer_choices() -> list[tuple[str, str]]:
    return [(key, key) for key in ANSWER_KEYS]


def contribution_choices() -> list[tuple[str, str]]:
    return [
        (q.number, f"{q.number} {', '.join(str(v.name) for v in q.values)}")
        for q in CONTRIBUTION_QUESTIONS
    ]


# --- Which model field answers which question ----------------------------------------------------

# The pre-scan's yes/no answers are fields of the assessment.
PRESCAN_FIELDS: dict[str, str] = {
    "1.1": "prescan_offers_service",
    "1.2": "prescan_accessible_to_minors",
    "1.3": "prescan_can_exclude_minors",
}
# 2.6, 5.1 and 5.2 may be answered per goal: the field of the goal that holds the answer.
GOAL_FIELDS: dict[str, str] = {
    "2.6": "effectiveness",
    "5.1": "achievement",
    "5.2": "subsidiarity",
}
GOAL_FIELD_QUESTIONS: dict[str, str] = {field: number for number, field in GOAL_FIELDS.items()}


def chapter_of(number: str) -> str:
    """The chapter ("1"–"5") of a question or answer key such as "2.3.1"."""
    return number.split(".")[0]
