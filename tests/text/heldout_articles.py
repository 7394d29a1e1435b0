# ruff: noqa: E501
"""Held-out synthetic scraped articles for the artifact detector.

Written to imitate what real extractors (trafilatura, newspaper3k, boilerpipe,
readability) print for invented news sites, NOT to fit the detector's rules: they
were written before the rules were revised against them. Sites, people and
handles are invented.

Each article is a string with inline markup ``[[kind|text]]`` around every
expected artifact (markup may nest, for the character-level kinds inside a block
span). ``stray_whitespace`` is not marked by hand: it follows the fixed rule of the
labelling guide (leading/trailing ``str.isspace`` characters on a non-blank line,
and each maximal run of whitespace-only lines), computed by :func:`build` with its
own small implementation.

``ARTICLES`` hold artifacts; ``CLEAN`` are plain news texts (with tricky body
sentences) that must get no finding at all.

Pure Python; imported by the held-out tests and by ``bench/score_artifacts.py``.
"""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\[\[([a-z_]+)\||\]\]")


def build(article_id: str, marked: str) -> dict:
    """Strip the markup and return a record in the dev-set format."""
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    spans: list[dict] = []
    pos = 0
    length = 0
    for match in _TOKEN_RE.finditer(marked):
        piece = marked[pos : match.start()]
        out.append(piece)
        length += len(piece)
        pos = match.end()
        if match.group(1):
            stack.append((match.group(1), length))
        else:
            kind, start = stack.pop()
            spans.append({"kind": kind, "start": start, "end": length})
    if stack:
        raise ValueError(f"{article_id}: unclosed markup {stack}")
    out.append(marked[pos:])
    text = "".join(out)
    spans.extend(_whitespace_spans(text))
    for span in spans:
        span["text"] = text[span["start"] : span["end"]]
        if span["kind"] != "stray_whitespace" and span["text"] != span["text"].strip():
            raise ValueError(f"{article_id}: untrimmed span {span}")
    spans.sort(key=lambda s: (s["start"], s["end"]))
    return {"id": article_id, "text": text, "artifacts": spans}


def _whitespace_spans(text: str) -> list[dict]:
    spans: list[dict] = []
    run: list[int] | None = None
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        if raw and not raw.strip():
            if run is None:
                run = [pos, end]
            run[1] = end
        elif raw:
            if run is not None:
                spans.append({"kind": "stray_whitespace", "start": run[0], "end": run[1]})
                run = None
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw) - len(raw.rstrip())
            if lead:
                spans.append({"kind": "stray_whitespace", "start": pos, "end": pos + lead})
            if trail:
                spans.append({"kind": "stray_whitespace", "start": end - trail, "end": end})
        pos = end + 1
    if run is not None:
        spans.append({"kind": "stray_whitespace", "start": run[0], "end": run[1]})
    return spans


# --- Articles with artifacts --------------------------------------------------------

# trafilatura-like, US local paper: byline with e-mail, two date stamps, caption with
# credit tail, inline "Related:", newsletter box, copyright footer.
_RIVERTON = """\
Council approves $48M bridge repair plan after heated meeting
[[byline|By Maria Gonzalez]] | [[author_bio|mgonzalez@rivertongazette.com]]
[[dateline|Published 6:42 p.m. CT March 14, 2023]]
[[dateline|Updated 9:15 a.m. CT March 15, 2023]]
RIVERTON — The city council voted 5-2 on Tuesday night to approve a $48 million plan to repair the Fifth Street Bridge, ending months of debate over how to pay for the work.
The plan relies on a mix of state grants and a new bond issue. Council members who opposed it said residents were never given a real choice.
"We can't keep patching this thing," council member Dana Whitfield said. "We tried that. It did not work."
[[image_caption|The Fifth Street Bridge, shown here in 2021, has been closed to heavy trucks since last spring.]] [[photo_credit|(Photo: Tom Reyes/Riverton Gazette)]]
Construction is expected to begin in the fall and last about two years. Detours will send traffic over the Mill Road crossing, which engineers say can handle the extra load.
[[related_links|Related: State warns of more bridge closures as inspection backlog grows]]
Mayor Ellen Brooks, who has pushed for the repair since taking office, called the vote "a long time coming."
Residents who spoke at the meeting were divided. Some worried about higher property taxes; others said a closed bridge was already costing local businesses.
[[newsletter_prompt|Sign up for The Morning Brief]]
[[newsletter_prompt|Get the day's top local stories delivered to your inbox every weekday morning.]]
[[copyright_footer|© 2023 Riverton Gazette. All rights reserved.]]
"""

# newspaper3k-like sports story: blank lines between paragraphs, embedded tweet,
# ad label, two READ MORE teasers, caption + agency credit.
_HARLOW = """\
Harlow United came from behind to beat Eastport 2-1 on Saturday, with a stoppage-time winner from teenage forward Leo Okafor sending the home fans into raptures.

Eastport had led through a first-half penalty and looked comfortable until the final 15 minutes.

[[embedded_social|What a finish from Leo Okafor! 🚀 pic.twitter.com/Qm83XcLa1p]]

[[embedded_social|— Harlow United FC (@HarlowUnitedFC) October 8, 2022]]

Okafor, 18, was only introduced as a substitute in the 70th minute.

"I just closed my eyes and hit it," he said afterwards. "I still can't believe it."

[[advert|Advertisement]]

The win lifts Harlow to fifth in the table, two points off the promotion places.

[[related_links|READ MORE: Harlow boss hails 'fearless' academy graduates]]

[[related_links|READ MORE: Eastport sack manager after winless run]]

[[image_caption|Leo Okafor wheels away after scoring the winner at the Mill Lane ground]]

[[photo_credit|Picture: PA Images]]

Manager Chris Dale said the squad had "earned the right to dream" after a difficult start to the season.

He will be without captain Sam Reid, who limped off with a hamstring injury, for next week's trip to Kingsford.
"""

# boilerpipe-like TV station page: section chrome on top, one-line posted/updated
# stamp, "by:" byline, share buttons, copyright footer, trending list at the foot.
_FRESNO = """\
[[navigation|Home]]
[[navigation|News]]
[[navigation|Local News]]
Wildfire forces evacuations in foothill communities east of Fresno
[[byline|by: Kevin Park]]
[[dateline|Posted: Aug 2, 2021 / 04:17 PM PDT / Updated: Aug 3, 2021 / 08:02 AM PDT]]
[[share_widget|Facebook]]
[[share_widget|Twitter]]
[[share_widget|Email]]
FRESNO COUNTY, Calif. (KVAL) — Hundreds of residents were ordered to leave their homes Monday as a fast-moving wildfire spread through dry brush in the foothills east of Fresno.
The Ridge Fire had burned about 3,200 acres by Tuesday morning and was 10% contained, according to Cal Fire.
Evacuation orders cover the communities of Tollhouse and Prather. An evacuation center has been set up at Clovis East High School.
"It came over the ridge so fast," said resident Gloria Mendez, who left with her two dogs and a bag of clothes. "We didn't have time to think."
No injuries have been reported. The cause of the fire is under investigation.
[[copyright_footer|Copyright 2021 Sierra Broadcasting, Inc. All rights reserved. This material may not be published, broadcast, rewritten, or redistributed.]]
[[related_links|Trending Stories]]
[[related_links|Man arrested after standoff in north Fresno]]
[[related_links|Clovis school board votes to keep mask rule]]
[[related_links|Highway 41 reopens after deadly crash]]
"""

# readability-like UK page: cookie banner first, byline with job title, British date,
# NBSP-led paragraphs, caption + "Photo: PA", follow prompt, feedback call, empty
# comments counter.
_RAIL = """\
[[cookie_notice|We use cookies to give you the best experience on our website. By continuing to browse, you agree to our use of cookies. Find out more.]]
[[cookie_notice|Accept and close]]
Train strikes to go ahead after talks collapse
Rail passengers face a week of disruption after union leaders rejected a last-minute offer.
[[byline|By Sarah Holt, Transport Correspondent]]
[[dateline|Tuesday 14 June 2022 18:05 BST]]
\xa0Talks between the union and train operators broke down on Tuesday afternoon, making a walkout on Thursday almost certain.
\xa0The union said the offer of a 3 per cent rise "fell far short" of what its members needed after a decade of falling real pay.
[[image_caption|Pickets outside a London station during last year's strike.]] [[photo_credit|Photo: PA]]
The Department for Transport said it was "disappointed" and urged both sides to return to talks.
Commuters have been told to work from home where possible. Only a fifth of services are expected to run, and some lines will have no trains at all.
[[social_follow|Follow Sarah on Twitter @SarahHoltNews]]
[[comment_form|Have your say: should the strikes go ahead? Let us know in the comments below.]]
[[dead_comments|Comments (0)]]
"""

# WordPress blog through trafilatura-like output: "Posted on … by …", Jetpack share
# and like widgets, related list, live comment thread, reply form.
_LIBRARY = """\
Why our town's library deserves a bigger budget
[[dateline|Posted on November 2, 2020]] [[byline|by Janet Ruiz]]
The Maple Hill Public Library has served this town for 112 years. Last year it lent more than 60,000 books, ran 300 children's events and gave hundreds of people their only reliable internet access.
Yet its budget has not grown in a decade. Staff have been cut from nine to six, and the building closes on Sundays.
The town meeting will vote on a modest increase next month. I hope you will come and support it.
[[share_widget|Share this:]]
[[share_widget|Twitter]]
[[share_widget|Facebook]]
[[share_widget|Like this:]]
[[share_widget|Like Loading...]]
[[related_links|Related]]
[[related_links|Library board election results are in]]
[[related_links|Five books to read this winter]]
[[user_comments|2 thoughts on “Why our town's library deserves a bigger budget”]]
[[user_comments|Tom B. says:]]
[[user_comments|November 3, 2020 at 8:14 am]]
[[user_comments|Completely agree. The children's section alone is worth every penny.]]
[[user_comments|Reply]]
[[user_comments|Grace Liu says:]]
[[user_comments|November 3, 2020 at 11:52 am]]
[[user_comments|I'd rather see the money go to road repairs, honestly.]]
[[user_comments|Reply]]
[[comment_form|Leave a Reply Cancel reply]]
[[comment_form|Your email address will not be published. Required fields are marked *]]
[[comment_form|Name *]]
[[comment_form|Email *]]
[[comment_form|Save my name, email, and website in this browser for the next time I comment.]]
"""

# newspaper3k-like wire story: FILE PHOTO caption with slash credit, Reuters-style
# graphic link, reporting/editing credit at the foot.
_JAKARTA = """\
[[image_caption|FILE PHOTO: A worker walks past the central bank headquarters in Jakarta, Indonesia, May 4, 2021.]] [[photo_credit|REUTERS/Arif Pratama/File Photo]]

JAKARTA (Reuters) - Indonesia's central bank held its benchmark interest rate steady on Thursday, as expected, saying inflation remained within its target range and the rupiah was stable.

Bank Indonesia kept the seven-day reverse repurchase rate at 3.50%, where it has been since February. All 28 economists polled by Reuters had expected no change.

[[media_placeholder|(Graphic: Indonesia's inflation and policy rate - )]]

Governor Hadi Santoso told a news conference the bank would keep rates low "until there are clear signs of a recovery in domestic demand."

The rupiah was flat at 14,380 per dollar after the decision.

[[byline|(Reporting by Dewi Kurniasih and Bayu Nugroho; Editing by Martin Hale)]]
"""

# Indian news portal: date stamp with "Last Updated", inline "Also Read |" teaser,
# agency input credit, follow prompt, app prompt, syndication disclaimer.
_RATION = """\
Govt extends free ration scheme by three months
[[dateline|Last Updated: 12 Jan 2023, 10:32 AM IST]]
New Delhi, Jan 12: The Centre on Thursday extended its free foodgrain scheme for the poor by another three months, a move that will cost the exchequer about Rs 40,000 crore.
The scheme covers more than 80 crore beneficiaries, Food Minister R K Verma told reporters after a Cabinet meeting.
[[related_links|Also Read | Wheat procurement target raised for rabi season]]
Opposition parties welcomed the extension but said the government should make it permanent.
The decision comes weeks before assembly elections in three states.
[[byline|(With inputs from PTI)]]
[[social_follow|Follow us on Google News and Telegram for the latest updates]]
[[copyright_footer|(This story has not been edited by our staff and is auto-generated from a syndicated feed.)]]
"""

# boilerpipe on an old CMS: mojibake, undecoded entities, a stray <br> tag, date-only line.
_BAKERY = """\
Local bakery wins state award for its sourdough
[[dateline|03/22/2019]]
The bakery[[mojibake|â€™]]s owner, Ren[[mojibake|Ã©]]e Marchand, opened the shop on Water Street in 2011 with a single oven and a loan from her parents.
[[mojibake|â€œ]]We never expected this,[[mojibake|â€\x9d]] she said on Monday. [[mojibake|â€œ]]We just bake what we like to eat.[[mojibake|â€\x9d]]
The award, given by the state bakers[[html_entity|&#8217;]] guild, recognises bread made with local flour.[[html_markup|<br />]]Judges tasted 140 loaves over two days.
Marchand said prices for bread [[html_entity|&amp;]] pastries would stay the same, and that she plans to hire two more bakers this summer.
The shop is open Tuesday to Saturday from 7 a.m. to 3 p.m.
"""

# CNN-like page through a DOM distiller: video player stubs, gallery caption with
# "Hide Caption" and counter, byline with outlet, "Updated" stamp.
_TORNADO = """\
Tornado outbreak leaves trail of damage across three states
[[byline|By Amy Chen and Luis Ortega, WNN]]
[[dateline|Updated 11:27 AM ET, Sun April 3, 2022]]
[[media_placeholder|JUST WATCHED]]
[[media_placeholder|Drone video shows tornado damage in Arkansas town]]
[[media_placeholder|Replay]]
[[media_placeholder|More Videos ...]]
(WNN) At least a dozen tornadoes touched down across Arkansas, Mississippi and Tennessee on Saturday, destroying homes and knocking out power to more than 100,000 customers.
No deaths had been confirmed by Sunday morning, emergency officials said, but several people were taken to hospitals with injuries.
[[image_caption|A home in Pine Bluff, Arkansas, lies in ruins after Saturday's storms.]]
[[photo_credit|Mark Doyle/WNN]]
[[media_placeholder|Hide Caption]]
[[media_placeholder|1 of 12]]
The National Weather Service said it would send survey teams to at least eight sites to rate the tornadoes' strength.
Forecasters warned that another round of severe storms could hit the region on Tuesday.
"""

# The Conversation-style republished piece: contributor byline with affiliation,
# a pull quote that repeats a body sentence, republication notice, author bio.
_HEAT = """\
Why heat waves hit cities harder than the countryside
[[byline|Alex Moreno, University of Westfield]]
On the hottest afternoons of last summer, the centre of Westfield was up to 7°C warmer than the farmland a few kilometres away.
This is the urban heat island effect, and it is getting worse as cities grow and summers get hotter. Concrete and asphalt soak up heat during the day and release it at night, so the city never cools down.
Trees are the cheapest air conditioner a city can buy. A mature street tree can lower the temperature of the pavement beneath it by as much as 20°C.
But tree cover in many cities is falling, as old trees die and are not replaced, and as front gardens are paved over for parking.
[[duplicate_block|Trees are the cheapest air conditioner a city can buy.]]
Cool roofs, painted white or covered in plants, can help too. So can small changes to how streets are laid out, so that wind can move through them.
None of these ideas is new. What has been missing is the money, and the will, to put them into practice.
[[copyright_footer|This article is republished from The Conversation under a Creative Commons license. Read the original article.]]
[[author_bio|Alex Moreno is a senior lecturer in urban climate at the University of Westfield.]]
"""

# Business paper behind a paywall: reading-time badge, dangling cut-off sentence,
# subscribe/sign-in box.
_BATTERY = """\
Inside the race to build a cheaper battery
[[byline|By Priya Natarajan]]
[[dateline|Nov. 7, 2021 5:30 am ET]]
[[navigation|6 min read]]
The startup's founders met in a graduate lab in Pittsburgh, where they spent two years trying to make a battery out of iron, air and water.
Investors have since poured more than $200 million into the company, betting that cheap, long-lasting storage will be essential for a grid powered by wind and sun.
[[truncated_text|The company's chief executive said the...]]
[[newsletter_prompt|Subscribe to continue reading]]
[[newsletter_prompt|Already a subscriber? Sign in]]
"""

# Regional paper, readability-like: chron-style cut caption + "... more" + full caption
# with credit, NBSP-led paragraphs, trailing spaces, whitespace-only lines, rule lines,
# print/e-mail buttons, empty comment section.
_HARBOR = """\
Harbor cleanup crews remove 40 tons of debris
[[truncated_duplicate|Volunteers sort plastic waste collected from the shoreline near Pier 7 during Saturday's cleanup, which drew more t]]
[[navigation|... more]]
[[image_caption|Volunteers sort plastic waste collected from the shoreline near Pier 7 during Saturday's cleanup, which drew more than 300 people.]] [[photo_credit|Photo: Dana Lee / Staff photographer]]
[[share_widget|Print]]
[[share_widget|Email]]
\xa0More than 300 volunteers spent Saturday morning pulling tires, nets and plastic from the harbor, the largest turnout in the event's 15-year history.\x20\x20\x20
\xa0The city's environmental office said crews collected about 40 tons of debris, nearly double last year's total.
 \t
\x20\x20
"We found a shopping cart, two bicycles and a piano bench," said organizer Mia Torres. "Every year there's something new."
[[separator|* * *]]
The cleanup is paid for by the port authority and a group of local businesses. Organizers hope to add a second date in the fall.
[[separator|________________]]
[[dead_comments|Be the first to comment]]
"""

# trafilatura on a tech blog: reading time and tags at the top, embedded Instagram
# post stub, "You may also like" list, newsletter sign-up and privacy links.
_GADGET = """\
The new Pixelite phone has a camera that finally beats its rivals
[[navigation|Tags: Smartphones, Cameras, Reviews]]
[[byline|By Jordan Wells]]
[[dateline|October 21, 2022]]
Pixelite's new flagship phone costs $899 and goes on sale next week. After a week with it, I think it has the best camera you can buy in a phone this year.
Low-light photos are sharp and natural, and the new zoom lens is good up to about 10x. Video is still a step behind the competition.
[[embedded_social|View this post on Instagram]]
[[embedded_social|A post shared by Pixelite (@pixelitephones)]]
Battery life was the surprise: the phone lasted a full day and a half of heavy use in my testing.
[[related_links|You may also like]]
[[related_links|The best budget phones of 2022]]
[[related_links|How to take better photos at night]]
[[newsletter_prompt|Sign up for the Gadget Weekly newsletter to get reviews and deals in your inbox.]]
[[newsletter_prompt|Privacy Policy]]
"""

ARTICLES: list[dict] = [
    build(name, text)
    for name, text in (
        ("ho-riverton", _RIVERTON),
        ("ho-harlow", _HARLOW),
        ("ho-fresno", _FRESNO),
        ("ho-rail", _RAIL),
        ("ho-library", _LIBRARY),
        ("ho-jakarta", _JAKARTA),
        ("ho-ration", _RATION),
        ("ho-bakery", _BAKERY),
        ("ho-tornado", _TORNADO),
        ("ho-heat", _HEAT),
        ("ho-battery", _BATTERY),
        ("ho-harbor", _HARBOR),
        ("ho-gadget", _GADGET),
    )
]


# --- Clean articles: no artifact at all ---------------------------------------------

_CLEAN_STREAMING = """\
Streaming service raises prices as subscriber growth slows
Shares of the company fell 6 percent in after-hours trading on Tuesday after it reported weaker-than-expected subscriber numbers for the third quarter.
The price of the ad-free plan will rise to $17.99 a month for new subscribers starting in May, up from $15.49.
Advertising revenue rose 12 percent in the quarter, the company said, helped by its cheaper ad-supported tier.
"We think the value is still there," the chief executive told analysts on a call. "People will stay."
Some will not.
Analysts at two banks cut their price targets. One said the company had "run out of easy wins."
The company said it would share more details about its sports plans later this year.
It did not say how many people had cancelled.
"""

_CLEAN_SENATE = """\
Senator says she will oppose the nominee
WASHINGTON (AP) — Sen. Laura Kemp said on Twitter on Friday that she would vote against the president's pick to lead the Interior Department, dealing a blow to his chances of confirmation.
"I cannot support this nomination," Kemp wrote in a post on X. "The nominee's record speaks for itself."
Asked for comment, a White House spokesman said the president "stands by" his pick.
The nominee, a former state attorney general, has faced questions about his ties to mining companies.
Follow the money, one Democratic aide said: groups backing the nominee have spent $4 million on ads in Kemp's home state.
NATO allies and the EU have not commented on the nomination.
The Senate is expected to vote on March 14.
It is not clear that he has the votes.
"""

_CLEAN_FERRY = """\
The last ferryman of Cobb Island retires after 41 years
On a gray morning in late October, Walter Haines made his final crossing.
He did not make a speech.
"It's just a boat," he said. "It was always just a boat."
WHAT COMES NEXT FOR THE ISLAND
Haines took over the ferry from his uncle in 1982, when the fare was a quarter.
By the time he retired, it was $3.
Photos of the ferry line the walls of the island's only store. One, taken in 1965, shows his uncle at the wheel.
Comments from islanders, pinned to the store's bulletin board, ran to three pages.
Next spring, the county will replace the ferry with a larger, automated boat.
Print copies of a book about the ferry, written by a local teacher, sold out in a week.
"""

_CLEAN_COOKIES = """\
Regulators fine app maker over cookie consent banners
European regulators fined a popular photo-sharing app €20 million on Wednesday, saying its cookie banners made it harder to refuse tracking than to accept it.
The regulator said users who wanted to reject all cookies had to click through four screens, while accepting them took a single tap.
"Consent has to be a real choice," the agency's chair said in a statement.
The company said it would appeal. It has already changed the design in the EU.
Email newsletters and push alerts are also under review, officials said, as part of a wider inquiry into how apps nudge users to sign up for marketing.
Privacy advocates welcomed the fine but said it was small for a company of its size.
"""

_CLEAN_HOCKEY = """\
Rangers hold on to beat Blues in overtime

It was not pretty. It did not have to be.

The Rangers blew a two-goal lead in the third period before Mika Lind scored 2:14 into overtime to give them a 4-3 win over the Blues on Saturday night.

"We made it hard on ourselves," coach Dan Foley said. "But we found a way."

Lind's goal was his 20th of the season.

Goalie Erik Sund made 31 saves.

The Rangers have won five straight and play in Boston on Thursday.
"""

_CLEAN_SLEEP = """\
Study links short sleep to higher risk of heart disease
People who regularly sleep fewer than six hours a night are 20 percent more likely to develop heart disease, according to a study published on Monday.
The researchers followed 9,000 adults for a decade, tracking their sleep with wrist monitors.
The study found:
People who slept less than six hours had higher blood pressure.
They were also more likely to gain weight.
The effect was stronger in women than in men.
Ana Ruiz is a researcher at the Karolinska Institute who has studied sleep for 20 years. She was not involved in the study but called its findings "consistent with what we see."
Still, the authors cautioned that the study shows a link, not a cause.
Correction: An earlier version of this article misstated the number of participants. It was 9,000, not 90,000.
"""

CLEAN: list[dict] = [
    build(name, text)
    for name, text in (
        ("clean-streaming", _CLEAN_STREAMING),
        ("clean-senate", _CLEAN_SENATE),
        ("clean-ferry", _CLEAN_FERRY),
        ("clean-cookies", _CLEAN_COOKIES),
        ("clean-hockey", _CLEAN_HOCKEY),
        ("clean-sleep", _CLEAN_SLEEP),
    )
]
