"""Word lists the rule-based NLP relies on: cue verbs, roles, honorifics, gendered words."""

from __future__ import annotations

#: Verbs that introduce direct speech ("...," she said / he told reporters: "...").
SPEECH_VERBS = frozenset(
    """
say tell add warn explain insist argue note claim write ask reply respond continue acknowledge
admit recall announce declare state stress emphasise emphasize urge caution predict suggest
observe remark agree concede complain joke laugh shout whisper tweet post conclude contend
allege testify quip boast vow promise lament confirm deny maintain counter reiterate mutter sigh
exclaim describe call recount shrug scoff sob plead protest retort demand wonder assert reflect
muse yell cry chuckle smile grin nod put
""".split()
) | frozenset(
    # Speech cues of PolNeAR's train split (Cue spans, lemmatised; words only) not listed above.
    """
report speak assure answer repeat echo remind comment interject recite rebut hint proclaim chant
scream holler
clarify inform advise speculate email text blast slam mock tout brag rail decry chide scold
tell offer reason counsel concur interrupt begin go quote announce pledge swear recount chime
""".split()
)

#: Verbs that report an assertion ("officials told Reuters that ...", "analysts contend that").
CLAIM_VERBS = frozenset(
    """
say tell warn contend claim allege insist argue estimate believe report announce confirm deny
add note suggest predict acknowledge admit explain state stress fear conclude find show reveal
indicate maintain testify assert think expect caution charge accuse hold reckon argue write
emphasise emphasize signal concede complain forecast calculate project agree inform assure remind
reiterate recall speculate posit
""".split()
)

#: Titles that may precede a name; stripped when naming a speaker.
HONORIFICS = frozenset(
    """
councilwoman councilman councillor councilor alderman mayor minister secretary chancellor
detective constable inspector sergeant superintendent officer chief coach manager commissioner
ambassador envoy premier prime chairman chairwoman representative congressman congresswoman

mr mrs ms miss mx dr prof professor sir dame lord lady sen senator rep gov governor gen general
col colonel capt captain lt sgt pres president rev fr sister brother judge justice det insp
""".split()
)

MALE_HONORIFICS = frozenset(
    """
mr sir lord fr brother king prince
""".split()
)

FEMALE_HONORIFICS = frozenset(
    """
mrs ms miss dame lady sister queen princess
""".split()
)

MALE_WORDS = frozenset(
    """
he him his himself man boy father son brother husband uncle nephew grandfather king prince
spokesman chairman businessman congressman councilman sportsman actor waiter
""".split()
)

FEMALE_WORDS = frozenset(
    """
she her hers herself woman girl mother daughter sister wife aunt niece grandmother queen
princess spokeswoman chairwoman businesswoman congresswoman councilwoman sportswoman actress
waitress
""".split()
)

#: Descriptions that stand for a person named elsewhere ("our correspondent said").
ROLE_SYNONYMS: dict[str, frozenset[str]] = {
    "correspondent": frozenset({"correspondent", "reporter", "journalist", "editor"}),
    "reporter": frozenset({"correspondent", "reporter", "journalist"}),
    "journalist": frozenset({"correspondent", "reporter", "journalist"}),
    "spokesman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokeswoman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokesperson": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
}

#: People and bodies that speak for the one they belong to ("Clinton's campaign said").
SPEAKS_FOR = frozenset(
    """
spokesman spokeswoman spokesperson representative
""".split()
)

#: Descriptions of an organisation: resolved to the nearest organisation named before.
ORG_DESCRIPTIONS = frozenset(
    """
company firm group agency ministry department government organisation organization bank council
club team union party court committee commission office authority authorities army military
police board campaign charity university hospital school institute network airline carrier
regulator watchdog
""".split()
)

#: Transcript labels that ask rather than answer.
QUESTION_LABELS = frozenset(
    {
        "q",
        "question",
        "reporter",
        "interviewer",
        "moderator",
        "host",
        "audience member",
        "unidentified reporter",
    }
)

#: Role words that make a transcript label a speaker ("RACE ENGINEER:", "THE COURT:").
TRANSCRIPT_ROLES = frozenset(
    """
engineer driver pilot witness defendant plaintiff court clerk judge prosecutor counsel attorney
lawyer operator dispatcher caller officer spokesman spokeswoman spokesperson president minister
senator chairman chairwoman chair speaker narrator host anchor guest presenter interviewer
""".split()
)

#: Labels of headings and links, never speakers.
NOT_SPEAKER_LABELS = frozenset(
    [
        "read",
        "more",
        "watch",
        "related",
        "update",
        "updated",
        "source",
        "sources",
        "photo",
        "photograph",
        "image",
        "video",
        "listen",
        "editor's",
        "note",
        "note",
        "correction",
        "disclaimer",
        "transcript",
        "by",
        "see",
        "also",
        "advertisement",
        "follow",
    ]
) | {"read more", "see also", "editor's note", "editor’s note", "more on this"}

#: Common given names, enough to tell "he" from "she" when the text gives no other clue.
MALE_NAMES = frozenset(
    """
james john robert michael william david richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin
samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan
henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger terry gerald
harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan
albert willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip
louis tom tim jim bob mike steve dave chris ben sam rob nick alex tony rami sergey vladimir
boris emmanuel olaf mohammed muhammad ahmed ali omar hassan hussein ibrahim mustafa khalid yusuf
abdullah mahmoud karim tariq bashar recep narendra xi joe donald barack nelson kofi antonio
staffan jean pierre francois michel jacques luc hans klaus jurgen wolfgang giuseppe marco luca
giovanni carlos miguel pedro luis jorge javier pablo diego raul sergio ivan dmitry andrei alexei
igor yuri nikolai oleg viktor volodymyr taras piotr tomasz jan lars erik sven anders kenji
hiroshi takeshi wei ming jun raj rahul arjun vikram ravi sanjay amit suresh emeka chidi kwame
kofi tunde wafula thierry reza george andreas nikos yannis ronald matthew rob
""".split()
)

FEMALE_NAMES = frozenset(
    """
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty
margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah
stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma
nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan
andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice
jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella
theresa diana natalie brittany charlotte marie kayla alexis lori stefanie stephanie angela
hillary kamala theresa ursula angela christine giorgia marine jacinda sanna fatima aisha mariam
layla noor zainab amina hiba shirin leila yasmin priya sunita anjali deepa lakshmi indira amara
ngozi chioma adaeze wanjiru folake yuki yoko mei ling xin elena olga natalia tatiana irina
svetlana anastasia yulia oksana katarzyna agnieszka magdalena klara helga ingrid astrid greta
sofia giulia francesca chiara carmen lucia isabel ana paula miriam jessica rasa anna olivia
""".split()
)

#: Letters after a name that are not part of it ("Jonathan Whitby KC"). Not "Jr." or "Sr.":
#: those are part of the name (father and son are two people).
POST_NOMINALS = frozenset({"KC", "QC", "MP", "MEP", "MSP", "OBE", "MBE", "CBE", "PhD"})

#: People a text may quote without naming them ("his spokesman said", "a witness said").
UNNAMED_PEOPLE = frozenset(
    """
spokesman spokeswoman spokesperson official officer witness resident source aide adviser
advisor diplomat insider employee worker neighbour neighbor passenger bystander survivor
""".split()
)
