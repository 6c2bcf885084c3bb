"""The demo's content as plain data: sourced facts, in the example site's own words.

Every fact comes from the project's fact sheet and carries the address of its
source; nothing here is attributed to a real person except what those sources
report. The wall's messages are samples the site's editors wrote: their display
names say so. ``seed_demo`` turns this module into pages, snippets and messages.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- sources

DW = "https://www.dw.com/en/istandwithahmadis-pakistanis-show-support-for-religious-minority-on-social-media/a-18889718"
TRIBUNE_OPINION = "https://tribune.com.pk/article/30706/istandwithahmadis-and-so-should-you/"
TRIBUNE_JHELUM = "https://tribune.com.pk/story/995808/after-factory-mob-torches-ahmadi-place-of-worship-in-jhelum-over-blasphemy-allegations/"
DAWN_JHELUM = (
    "http://dawn.com/news/1221273/mob-sets-jhelum-factory-ablaze-over-blasphemy-allegations"
)
MURDERS_2010 = "https://www.persecutionofahmadis.org/religiously-motivated-murders-2010/"
MURDERS_2014 = "https://www.persecutionofahmadis.org/religiously-motivated-murders-2014/"
AFP_2013_2014 = "https://hapka.info/archive/20150413/2513/eleven-members-of-ahmadi-minority-killed-in-2014-report/"
TRIBUNE_2016 = "https://tribune.com.pk/story/1369246/six-ahmadis-killed-2016-says-report/"
IRABWAH_2015 = (
    "https://www.irabwah.com/2016/04/27/jamat-e-ahmadiyya-releases-its-annual-prosecution-report/"
)
DAILY_TIMES_2010 = (
    "http://thepersecution-org.blogspot.com/2011/03/year-2010-bloodiest-chapter-in-history.html"
)


@dataclass(frozen=True)
class Source:
    url: str
    title: str


@dataclass(frozen=True)
class Event:
    year: int
    month: int | None
    day: int | None
    headline: str
    body: str  # Wagtail rich text (HTML)
    category: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    note: str
    source_url: str


@dataclass(frozen=True)
class Person:
    name: str
    lifespan: str
    contribution: str
    source_url: str
    source_title: str


@dataclass(frozen=True)
class SampleMessage:
    source_id: str
    kind: str
    display_name: str
    country: str
    language: str
    text: str
    # When it is dated on the wall: a day of the campaign (December 2015) and an hour, Karachi time.
    day: int
    hour: int


# ---------------------------------------------------------------- home page

HOME_TITLE = "I stand with Ahmadis"
HOME_INTRO = (
    "<p>This is the example site of <b>ahmadi-campaign</b>, a toolkit for running a "
    "human-rights campaign on your own Wagtail site. It rebuilds #IStandWithAhmadis, an online "
    "campaign that ran from 1 to 10 December 2015 in support of Pakistan's Ahmadi community.</p>"
    "<p>Every fact on these pages links to where it was published. Where sources disagree, the "
    "pages say so instead of choosing one figure. The messages on the walls are samples "
    "written for this demonstration, not posts by real people.</p>"
)

# ---------------------------------------------------------------- the campaign

CAMPAIGN = {
    "title": "Ten days of #IStandWithAhmadis",
    "slug": "istandwithahmadis",
    "hashtags": "#IStandWithAhmadis",
    "start_date": (2015, 12, 1),
    "end_date": (2015, 12, 10),
    "time_zone": "Asia/Karachi",
    "summary": (
        "For ten days in December 2015, people in Pakistan and abroad spoke up online for the "
        "country's Ahmadi minority. This page retells the campaign from sourced facts."
    ),
    "goal": (
        f"<p>Show Ahmadis in Pakistan that they do not stand alone: activists set up a "
        f"website and asked people to post their support under one hashtag for ten days "
        f'(<a href="{DW}">DW</a>).</p>'
    ),
}

WHAT_HAPPENED = (
    "<p>On 20 November 2015 a mob set fire to a chipboard factory in Jhelum owned by Ahmadis, "
    "after one of its Ahmadi employees, the head of its security, was arrested over an alleged "
    "burning of the Koran; reports spoke of 70 to 80 per cent of the factory destroyed "
    f'(<a href="{TRIBUNE_JHELUM}">The Express Tribune</a>). The following day an Ahmadi '
    "place of worship in Kala Gujran, also in Jhelum, was set alight and the army was called "
    f'in (<a href="{DAWN_JHELUM}">Dawn</a>).</p>'
)
THE_CAMPAIGN = (
    "<p>On 1 December the hashtag #IStandWithAhmadis appeared, and it trended in Pakistan. "
    "Supporters pointed to a humane reading of the Koran and named well-known Ahmadis, among "
    "them the country's only Nobel laureate. Messages came from India, Dubai and the Americas, "
    f'and Ahmadis replied with thanks (<a href="{DW}">DW</a>; see also an opinion piece in '
    f'<a href="{TRIBUNE_OPINION}">The Express Tribune</a>, 5 December 2015).</p>'
)
STATEMENT = {
    "quote": (
        "Nobody should have to hide their faith to stay safe. We rebuilt this campaign with "
        "sources for every figure so that anyone can check what happened, and so that the "
        "next campaign can start from a working site instead of a blank page."
    ),
    "attribution": "The example site's editors",
    "role": "Editors of this demonstration, not a party to the 2015 campaign",
}
CHART_TAKEAWAY = (
    "Sourced yearly figures exist only for 2001, 2007, 2009, 2010, 2011 and 2013 to 2016, so "
    "only those years are drawn; 2010 stands out because of the Lahore attacks of 28 May."
)
RUNNING_TOTALS = (
    "<p>Running totals, quoted as each source states them (they do not add up with each "
    "other or with the yearly figures): 248 Ahmadis killed for their faith from 1984 to the "
    f'end of 2015 (<a href="{IRABWAH_2015}">community annual report, via irabwah.com</a>); '
    f'250 since 1984 as of March 2017 (<a href="{TRIBUNE_2016}">The Express Tribune</a>).</p>'
    "<p>For 2010 the sources disagree, and the chart shows the lowest figure: the community "
    f'counted 86 dead in the Lahore attacks of 28 May alone (<a href="{MURDERS_2010}">its '
    "list of murders in 2010</a>), Human Rights Watch gave 94 for those attacks, and a Daily "
    f'Times report (<a href="{DAILY_TIMES_2010}">reposted</a>) speaks of at least 98 killed '
    "in the whole year.</p>"
)
AFTER_CAMPAIGN = (
    "<p>The campaign ended on 10 December 2015. Its message wall is kept as an archive: it "
    "is closed for new messages, and every message on it is a sample written for this demo. "
    "To see how posting and moderation work, use the wall that is open for testing.</p>"
)

# ---------------------------------------------------------------- notable people

PEOPLE = (
    Person(
        name="Abdus Salam",
        lifespan="1926–1996",
        contribution=(
            "Theoretical physicist; shared the 1979 Nobel Prize in Physics, the first "
            "Pakistani laureate; science adviser to the government 1960–74. The word "
            "'Muslim' was erased from his gravestone in Rabwah."
        ),
        source_url="https://www.inuth.com/world/pakistan-finally-acknowledges-its-first-nobel-prize-winner-an-ahmadiyya/",
        source_title="InUth",
    ),
    Person(
        name="Sir Muhammad Zafarullah Khan",
        lifespan="1893–1985",
        contribution=(
            "Pakistan's first foreign minister; the only person to have presided over both "
            "the UN General Assembly and the International Court of Justice (its president "
            "1970–73)."
        ),
        source_url="https://en.wikipedia.org/wiki/Muhammad_Zafarullah_Khan",
        source_title="Wikipedia",
    ),
    Person(
        name="Akhtar Hussain Malik",
        lifespan="died 1969",
        contribution=(
            "Army commander in the 1965 war, awarded the Hilal-i-Jurat; sources differ on "
            "the rank he held."
        ),
        source_url="https://en.wikipedia.org/wiki/Akhtar_Hussain_Malik",
        source_title="Wikipedia",
    ),
)

# ---------------------------------------------------------------- data series

SERIES = {
    "title": "Ahmadis killed for their faith in Pakistan, by year",
    "unit": "people killed",
    "source_url": "",
    "source_note": (
        "Each year has its own source, linked in the table; some are reposts of newspaper "
        "stories. Years without a sourced figure are left out, not counted as zero. "
        "'At least' marks a lower bound."
    ),
}
POINTS = (
    Point("2001", 9, "Community report.", "http://thepersecution.org/facts/facts_01.html"),
    Point(
        "2007",
        5,
        "Daily Times, 6 February 2008 (reposted).",
        "https://www.thepersecution.org/news/08/dtp0206.html",
    ),
    Point("2009", 11, "Annual report for 2009.", "https://wwrn.org/articles/32825"),
    Point(
        "2010",
        86,
        "86 on 28 May alone, the community's count from burials; Human Rights Watch gave 94; "
        "a Daily Times report (reposted) says at least 98 in the whole year.",
        MURDERS_2010,
    ),
    Point(
        "2011",
        6,
        "At least 6: Human Rights Watch's 2012 report, as quoted.",
        "https://www.britishasianchristians.org/full-previous-archive/the-targeting-of-minority-others-in-pakistan-ahmadis-attacks/",
    ),
    Point("2013", 7, "AFP (reposted).", AFP_2013_2014),
    Point("2014", 11, "AFP (reposted), same report as 2013.", AFP_2013_2014),
    Point(
        "2015",
        2,
        "Express Tribune story (reposted).",
        "https://themuslimtimes.info/2016/04/26/significant-increase-in-hate-propaganda-against-ahmadiyya-community-says-report/",
    ),
    Point("2016", 6, "At least 6: The Express Tribune, 30 March 2017.", TRIBUNE_2016),
)

# ---------------------------------------------------------------- timeline

TIMELINE = {
    "title": "A sourced timeline",
    "slug": "timeline",
    "intro": (
        "<p>Events that shaped the lives of Ahmadis in Pakistan, from 1953 to the year after "
        "the campaign. Each one names its source; a date is as precise as the source allows "
        "(a year, a month or a day).</p>"
    ),
}
EVENTS = (
    Event(
        1953,
        2,
        None,
        "Riots against Ahmadis in Lahore (February to May)",
        "<p>Martial law was declared in Lahore on 6 March. How many died is disputed: an "
        "official inquiry said about 20, other estimates are far higher. Because no figure "
        "is agreed, this demo does not chart it.</p>",
        "Violence",
        (
            Source(
                "https://en.wikipedia.org/wiki/1953_Lahore_riots", "Wikipedia: 1953 Lahore riots"
            ),
        ),
    ),
    Event(
        1974,
        9,
        7,
        "The Second Amendment declares Ahmadis non-Muslims",
        "<p>The National Assembly's decision was written into the Constitution of Pakistan.</p>",
        "Law",
        (
            Source(
                "https://en.wikipedia.org/wiki/Second_Amendment_to_the_Constitution_of_Pakistan",
                "Wikipedia: Second Amendment to the Constitution of Pakistan",
            ),
        ),
    ),
    Event(
        1979,
        None,
        None,
        "Abdus Salam shares the Nobel Prize in Physics",
        "<p>He was the first Pakistani to receive a Nobel Prize.</p>",
        "Recognition",
        (
            Source(
                "https://www.nobelprize.org/prizes/physics/1979/salam/facts/",
                "NobelPrize.org: Abdus Salam, facts",
            ),
            Source("http://nobels-database.silk.co/page/Abdus-Salam", "Nobel database (mirror)"),
        ),
    ),
    Event(
        1984,
        4,
        26,
        "Ordinance XX restricts Ahmadi religious practice",
        "<p>It added sections 298-B and 298-C to the Pakistan Penal Code, with prison terms of "
        "up to three years.</p>",
        "Law",
        (
            Source(
                "https://docslib.org/doc/1937891/inquiry-into-the-status-of-the-human-right-to-freedom-of-religion-or-belief",
                "Loyola of Los Angeles International and Comparative Law Review 9:661 (1987)",
            ),
        ),
    ),
    Event(
        2003,
        4,
        22,
        "Mirza Masroor Ahmad becomes head of the Ahmadiyya Muslim Community",
        "<p>He was elected the community's fifth caliph.</p>",
        "Community",
        (
            Source(
                "http://piglix.com/piglix/Mirza_Masroor_Ahmad",
                "Mirza Masroor Ahmad (copy of Wikipedia)",
            ),
        ),
    ),
    Event(
        2005,
        10,
        7,
        "Gunmen attack an Ahmadi mosque in Mong",
        "<p>Eight people were killed and twenty injured.</p>",
        "Violence",
        (
            Source(
                "https://www.thepersecution.org/nr/2005/october.html",
                "Persecution of Ahmadis: October 2005",
            ),
        ),
    ),
    Event(
        2010,
        5,
        28,
        "Two Ahmadi mosques attacked in Lahore",
        "<p>The attacks hit Model Town and Garhi Shahu. The community counted 86 dead and "
        "124 injured; Human Rights Watch gave 94 dead.</p>",
        "Violence",
        (Source(MURDERS_2010, "Religiously motivated murders, 2010"),),
    ),
    Event(
        2014,
        7,
        27,
        "Ahmadi homes set on fire in Gujranwala",
        "<p>A mob burnt the houses; a grandmother and her two young granddaughters died.</p>",
        "Violence",
        (Source(MURDERS_2014, "Religiously motivated murders, 2014"),),
    ),
    Event(
        2015,
        11,
        None,
        "The community's head condemns the Paris attacks",
        "<p>Mirza Masroor Ahmad spoke out against the attacks in Paris.</p>",
        "Community",
        (
            Source(
                "https://www.worldreligionnews.com/issues/muslim-leader-hazrat-mirza-masroor-ahmad-condemns-paris-attacks-and-prays-for-victims/",
                "World Religion News",
            ),
        ),
    ),
    Event(
        2015,
        11,
        20,
        "Jhelum: a mob burns an Ahmadi-owned factory",
        "<p>The chipboard factory was torched after a blasphemy allegation; reports said 70 to "
        "80 per cent of it was destroyed.</p>",
        "Violence",
        (Source(TRIBUNE_JHELUM, "The Express Tribune"),),
    ),
    Event(
        2015,
        11,
        21,
        "Kala Gujran, Jhelum: an Ahmadi place of worship is set on fire",
        "<p>The army was called in.</p>",
        "Violence",
        (Source(DAWN_JHELUM, "Dawn"),),
    ),
    Event(
        2015,
        12,
        1,
        "#IStandWithAhmadis begins (1 to 10 December)",
        "<p>A ten-day online campaign of support; the hashtag trended in Pakistan.</p>",
        "Campaign",
        (Source(DW, "DW"), Source(TRIBUNE_OPINION, "The Express Tribune, 5 December 2015")),
    ),
    Event(
        2016,
        12,
        None,
        "The National Centre for Physics is to bear Abdus Salam's name",
        "<p>Pakistan approved naming the centre after him.</p>",
        "Recognition",
        (
            Source(
                "https://www.9news.com.au/world/2016/12/06/18/28/pakistan-finally-honours-1st-nobel-winner",
                "9News",
            ),
        ),
    ),
)

# ---------------------------------------------------------------- walls

ARCHIVE_WALL = {
    "title": "Messages from the campaign (samples)",
    "slug": "wall",
    "intro": (
        "<p><b>Every message on this wall is a sample</b> written by the editors of this example "
        "site to show how a wall looks after a campaign. None of them was posted by a real "
        "person in 2015. The wall followed the campaign's dates and is now closed.</p>"
    ),
}
TRY_WALL = {
    "title": "Try the message wall",
    "slug": "try-the-wall",
    "intro": (
        "<p>This wall is open so that you can try posting. Messages wait for a moderator: sign "
        "in to the admin and look under Campaigns → Messages to approve or reject them. It is "
        "a demonstration; please write nothing personal.</p>"
    ),
}
SAMPLE_MESSAGES = (
    SampleMessage(
        "demo-sample-01",
        "support",
        "Sample: a reader in Lahore",
        "PK",
        "en",
        "Our neighbours should never have to fear for their homes because of what they believe.",
        1,
        10,
    ),
    SampleMessage(
        "demo-sample-02",
        "support",
        "نمونہ: کراچی سے ایک قاری",
        "PK",
        "ur",
        "ہم آپ کے ساتھ ہیں۔ کسی کو اپنے عقیدے کی وجہ سے خوف میں نہیں رہنا چاہیے۔",
        1,
        15,
    ),
    SampleMessage(
        "demo-sample-03",
        "support",
        "Sample: a student in Delhi",
        "IN",
        "en",
        "Writing from across the border: you have friends here too.",
        2,
        9,
    ),
    SampleMessage(
        "demo-sample-04",
        "support",
        "Sample: a nurse in Dubai",
        "AE",
        "en",
        "Faith is between a person and God. Standing with you from the Gulf.",
        3,
        20,
    ),
    SampleMessage(
        "demo-sample-05",
        "thanks",
        "نمونہ: ربوہ سے ایک قاری",
        "PK",
        "ur",
        "آپ سب کی حمایت کا بہت شکریہ۔ یہ پیغامات ہمارے لیے بہت معنی رکھتے ہیں۔",
        4,
        11,
    ),
    SampleMessage(
        "demo-sample-06",
        "support",
        "Sample: a teacher in Toronto",
        "CA",
        "en",
        "My class read about the Jhelum attacks today. They asked how to help; this is a start.",
        4,
        18,
    ),
    SampleMessage(
        "demo-sample-07",
        "support",
        "Sample: a reader in London",
        "GB",
        "en",
        "Equal citizens, equal rights. Nothing less.",
        5,
        13,
    ),
    SampleMessage(
        "demo-sample-08",
        "support",
        "نمونہ: اسلام آباد سے ایک قاری",
        "PK",
        "ur",
        "پاکستان سب کا ہے۔ ہم اپنے احمدی بہن بھائیوں کے ساتھ کھڑے ہیں۔",
        6,
        21,
    ),
    SampleMessage(
        "demo-sample-09",
        "support",
        "Sample: a reader in Chicago",
        "US",
        "en",
        "Salam's physics belongs to all of us. So does the right to pray in peace.",
        7,
        8,
    ),
    SampleMessage(
        "demo-sample-10",
        "thanks",
        "Sample: a family in Frankfurt",
        "DE",
        "en",
        "Thank you to everyone who spoke up this week. We read every message.",
        8,
        16,
    ),
    SampleMessage(
        "demo-sample-11",
        "support",
        "Sample: a reader in Mumbai",
        "IN",
        "en",
        "Silence helps no one. Adding my voice.",
        9,
        12,
    ),
    SampleMessage(
        "demo-sample-12",
        "thanks",
        "نمونہ: لاہور سے ایک خاندان",
        "PK",
        "ur",
        "ان دس دنوں میں ساتھ دینے والے ہر شخص کا شکریہ۔",
        10,
        19,
    ),
)


def all_source_urls() -> list[str]:
    """Every address cited by the demo's data points, events, people and text."""
    urls = [p.source_url for p in POINTS] + [p.source_url for p in PEOPLE]
    urls += [s.url for e in EVENTS for s in e.sources]
    urls += [DW, TRIBUNE_OPINION, TRIBUNE_JHELUM, DAWN_JHELUM, IRABWAH_2015, DAILY_TIMES_2010]
    return urls
