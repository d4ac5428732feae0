#!/usr/bin/env python3
"""Regenerate every sample file in this directory (deterministic, byte-reproducible).

All articles are invented for copydesk's tests; people, companies and places are fictional
(a few real cities and historical facts appear as background only).

    python3 samples/build_samples.py && python3 samples/check_samples.py
"""
import gzip
import io
import json
import os
import re
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))


def P(s):
    """Dedent a triple-quoted article and strip the surrounding blank lines."""
    return textwrap.dedent(s).strip("\n")


# --------------------------------------------------------------------------------------------
# Clean English originals
# --------------------------------------------------------------------------------------------
SCI_PROBE = P("""
    Cormorant probe returns first close images of comet's dusty jets

    The Cormorant spacecraft, launched four years ago by the Baltic Space Consortium, has sent back its first detailed pictures of comet 214P/Varga, showing narrow jets of dust rising from a ridge near the comet's equator.

    Mission scientists in Riga said on Monday that the images were taken from a distance of about 1,900 kilometres, close enough to resolve boulders the size of a small house. The camera team had expected a smooth, dark surface and instead found terraces, cliffs and what appear to be shallow pits filled with frost.

    "We are looking at a body that is shedding itself layer by layer," said Ilze Bērziņa, the mission's lead planetary scientist. "Every time it comes close to the Sun it loses a skin, and now we can see the scars."

    The comet is about six kilometres long and turns once every eleven hours. Cormorant will stay with it until late September, gradually lowering its orbit to sample the gas escaping from the jets with an onboard mass spectrometer built at the University of Tartu.

    Engineers are also watching the spacecraft's health closely. One of its four reaction wheels has shown rising friction since January, and controllers have switched to a mode that uses short thruster pulses to spare it. Bērziņa said the problem did not threaten the science plan but would limit how many sharp turns the probe can make.

    The consortium plans to publish the first set of calibrated images in May, with the full archive released to researchers worldwide a year later.
""")

SPORT_ROWING = P("""
    Lakeside crews take five titles at windswept spring regatta

    Lakeside Boat Club won five of the eight senior finals at the Harbour Spring Regatta on Sunday, on a day when a gusting crosswind forced organisers to hold up racing for almost two hours.

    The club's women's eight, coached by former international Dana Kowalczyk, finished a length and a half ahead of Northbridge University in 6 minutes 41 seconds over the 2,000-metre course on the Wend reservoir. Kowalczyk said her crew had trained in rough water all winter and were "almost grateful" for the conditions.

    The men's single sculls produced the closest race of the afternoon. Oskar Lindahl of Millbrook Rowing Club held off the defending champion, Ruairi Feeney, by 0.4 seconds after the pair were level with 250 metres to go. Lindahl, 17, only moved up from junior racing in the autumn.

    Two boats capsized during the morning heats, and one rower was treated for mild hypothermia by first-aid volunteers on the bank. Race officials said safety launches reached both crews within a minute.

    Regatta chair Harriet Oyelaran said entries had risen to 412 crews, the most since the event began in 1988, and that the committee would consider adding a second day next year if the reservoir authority agreed.
""")

POL_COUNCIL = P("""
    Council backs Quay Street bus lane after three-hour debate

    Harbour City councillors voted 27 to 19 on Thursday night to make the Quay Street bus lane permanent, ending an 18-month trial that divided shop owners and commuters.

    The lane will run from the ferry terminal to Marlow Bridge between 7am and 7pm on weekdays. Cars will still be able to use it outside those hours and to reach the loading bays on the east side of the street.

    Transport committee chair Priya Ramaswamy told the meeting that bus journeys along the corridor had become on average four minutes faster during the trial and that passenger numbers on the three routes using it had grown by 11 percent. "People have voted with their feet," she said.

    Opposition councillors argued that the figures ignored the effect on neighbouring streets. Councillor Tom Achterberg said traffic on Dock Road had increased sharply and that residents there had been "left to breathe the fumes of a policy made for somebody else."

    The Quay Street Traders' Association had collected more than 2,300 signatures against the scheme, saying footfall had dropped since the trial began. The council's own survey, published last month, found sales in the area roughly flat over the period.

    Work to repaint the lane and install new enforcement cameras is expected to start in May and cost about £640,000, paid for from a regional transport grant. The council said it would review traffic on Dock Road again after a year.
""")

# (b) lightly edited repost: ~5% of words changed, one sentence dropped ("Cars will still be
# able ..."), the two sentences of the last paragraph swapped.
POL_COUNCIL_EDIT = P("""
    Council backs Quay Street bus lane after three-hour debate

    Harbour City councillors voted 27 to 19 on Thursday evening to make the Quay Street bus lane permanent, ending an 18-month trial that split shop owners and commuters.

    The lane will run from the ferry terminal to Marlow Bridge between 7am and 7pm on weekdays.

    Transport committee chair Priya Ramaswamy told the meeting that bus journeys along the corridor had become on average four minutes quicker during the trial and that passenger numbers on the three routes using it had grown by 11 percent. "People have voted with their feet," she said.

    Opposition councillors argued that the figures ignored the effect on neighbouring streets. Councillor Tom Achterberg said traffic on Dock Road had increased significantly and that residents there had been "left to breathe the fumes of a policy made for somebody else."

    The Quay Street Traders' Association had gathered more than 2,300 signatures against the scheme, saying footfall had dropped since the trial began. The council's own survey, released last month, found sales in the area roughly flat over the period.

    The council said it would review traffic on Dock Road again after a year. Work to repaint the lane and install new enforcement cameras is due to begin in May and cost around £640,000, paid for from a regional transport grant.
""")

BIZ_BAKERY = P("""
    Marrow & Sons bakery to open three shops and hire 40 staff

    Marrow & Sons, the family bakery that started with a single counter in the covered market in 1962, will open three new shops across the county this year, creating about 40 jobs.

    The company's managing director, Ellen Marrow, granddaughter of the founder, said the expansion would be paid for from profits and a loan from a regional development bank rather than by outside investors. "We have been asked many times to sell a stake, and the answer has always been no," she said.

    The new branches will be in Castleford, Westmere and the converted railway arches in Harbour City. Each will bake bread on site overnight instead of receiving deliveries from the central bakery, a change the company says will cut waste and van journeys.

    Marrow & Sons employs 185 people and reported turnover of £14.2 million in its last financial year, up from £12.9 million. Flour and energy costs rose steeply in 2024, Marrow said, and the business raised prices twice while trimming its range from 120 items to about 90.

    The bakery will run a training programme with Westmere College for the new roles, which include eight apprenticeships. Applications open next month.
""")

HEALTH_CLINIC = P("""
    Walk-in clinic cuts waiting times at Harbour General, early figures show

    A walk-in clinic for minor injuries that opened beside Harbour General Hospital in November has cut the average wait in the main emergency department by 38 minutes, according to figures released by the regional health board on Wednesday.

    The clinic, staffed by nurse practitioners and two GPs, treats sprains, small cuts, minor burns and eye injuries. It saw 9,140 patients in its first four months, about a third of whom would otherwise have gone to the emergency department, the board estimated.

    Dr Samuel Adeyemi, the hospital's clinical director for urgent care, said the results were encouraging but warned that winter pressures had not yet fully passed. "A clinic like this takes the simpler cases out of a crowded room, which helps everybody. It does not create more beds," he said.

    Patients have given the service high marks in a survey, although some complained about limited opening hours. The clinic currently closes at 8pm, and the health board said it was recruiting staff so that it could stay open until 10pm from June.

    The board plans to open a similar clinic in Westmere next year if funding is confirmed in the autumn budget.
""")

WEATHER_STORM = P("""
    Storm Halvard floods coastal roads as gusts top 110 km/h

    Storm Halvard swept across the coast overnight on Saturday, flooding low-lying roads in three towns and leaving about 14,000 homes without electricity at the height of the winds.

    The national weather service recorded a gust of 113 kilometres per hour at Gull Point lighthouse shortly after 2am, and more than 60 millimetres of rain fell in parts of the hills above Westmere within 12 hours.

    In Saltby, the harbour wall was overtopped at high tide and seawater ran into the streets around the fish market. Firefighters used pumps to clear basements in about 40 properties. No serious injuries were reported, although a man was taken to hospital after a tree fell on his car near Castleford.

    The power company said crews had reconnected most customers by Sunday afternoon but warned that some rural households could wait until Monday. Ferry services to the islands were cancelled for the day, and the coastal railway remained closed between Saltby and Gull Point while engineers inspected an embankment.

    Forecasters expect calmer weather early in the week, but another band of rain is likely to arrive on Wednesday. The weather service urged people to stay away from sea fronts while waves remain high.
""")

EDU_LIBRARY = P("""
    Central Library reopens with longer hours and a rooftop reading room

    Harbour City's Central Library reopened on Saturday after an 18-month renovation that cost £11.5 million and added a glass-roofed reading room on the top floor.

    Hundreds of people queued before the doors opened at 9am. Among the first through was 82-year-old Maureen Callaghan, who said she had held a library card since 1951 and had missed the building "like an old friend."

    The renovation replaced the heating system, repaired the Victorian facade and created a larger children's area on the ground floor, with a small stage for story sessions. The library has also moved its local history collection, including maps dating back to the 1700s, into a climate-controlled room.

    Opening hours will now run until 8pm on weekdays, two hours later than before the closure. Head librarian Kwame Asante said late opening had been the most common request in a public consultation. "Students and people who work all day told us the old hours simply shut them out," he said.

    The council paid for most of the work, with £2 million coming from a heritage fund. A café run by a local social enterprise will open in the lobby next month.
""")

# Original uses curly quotes; the two exact-copy variants are derived below.
TECH_GRID = P("""
    Battery park near Westmere begins feeding the grid

    A 200-megawatt battery storage site on former farmland east of Westmere started supplying electricity to the national grid this week, its operator Tidewell Energy said on Tuesday.

    The site, made up of 96 container-sized battery units, can store enough energy to power about 150,000 homes for two hours. It is designed to charge when wind and solar output is high and prices are low, then release power during the evening peak.

    Tidewell’s chief operating officer, Lena Vogt, said the project had taken three years from planning application to connection, much of it spent waiting for a grid connection date. “The batteries took months; the queue took years,” she said.

    Local residents had raised concerns about fire risk during planning hearings. The company said each unit has its own detection and suppression system and that it had agreed an emergency plan with the county fire service, including a dedicated water supply on site.

    Tidewell plans a second, smaller project near Saltby and says it will publish data on how often the Westmere site is used to balance the grid.
""")

CULTURE_FESTIVAL = P("""
    Harbour Film Festival opens with debut feature from local director

    The 31st Harbour Film Festival opens on Friday with the premiere of "Low Tide Lanterns", the first feature by Westmere-born director Aoife Brennan, who shot most of it on the islands last summer with a crew of eleven.

    The festival will screen 74 films over nine days in four venues, including the restored Regent Cinema, which reopened in January after standing empty for a decade. Organisers say a third of the programme comes from first-time directors.

    Festival director Marcus Hale said ticket sales were running 15 percent ahead of last year, helped by a new pass for people under 25 that costs £20 for the whole week. "We wanted a student to be able to see ten films for the price of a pizza," he said.

    Brennan's film follows two sisters who return to their childhood home to sell it and find the island changing around them. She said she cast several islanders in small roles and rewrote scenes around their own stories.

    The closing night on 22 March will feature a live score performed by the Harbour Youth Orchestra to a silent film from 1927.
""")

ENV_RIVER = P("""
    Otters return to the River Wend after four decades

    Otters are breeding again on the River Wend for the first time in about 40 years, according to a survey published on Monday by the county wildlife trust.

    Volunteers found droppings, footprints and a holt with at least two cubs along a stretch of bank between Millbrook and the old paper mill. Camera traps set up in December recorded an adult female hunting at night on eleven separate occasions.

    The trust's river officer, Gareth Pryce, said the return reflected years of work to clean up the water. Discharges from the paper mill ended when it closed in 2003, and farmers upstream have since planted buffer strips to stop soil and fertiliser washing into the river. "Otters are fussy about what they eat, and there are now enough fish in clean water to feed them," he said.

    Pryce asked dog walkers to keep animals on leads along the stretch during the spring and not to share exact locations on social media. Otters are protected by law, and disturbing a holt is an offence.

    The trust plans to repeat the survey every year and will install two more cameras in April with funding from a local water company.
""")

# (d) copy with typos and punctuation noise
ENV_RIVER_TYPOS = P("""
    Otters retrun to the River Wend after four decades

    Otters are breeding again on the River Wend for teh first time in about 40 years , according to a survey published on Monday by the county wildlife trust..

    Volunteers found droppings, footprints and a holt with at least two cubs along a streth of bank between Millbrook and the old paper mill.Camera traps set up in December recorded an adult female hunting at night on eleven seperate occasions.

    The trust's river officer, Gareth Pryce said the return reflected years of work to clean up the water . Discharges from the paper mill ended when it closed in 2003, and farmers upstream have since planted buffer strips to stop soil and fertiliser washing into the the river. "Otters are fussy about what they eat, and there are now enough fish in clean water to feed them,," he said.

    Pryce asked dog walkers to keep animals on leads along the stretch during the spring and not to share exact locatons on social media. Otters are protected by law , and disturbing a holt is an ofence.

    The trust plans to repeat the survey every year and will install two more cameras in April with funding from a local water compnay.
""")

TRANSPORT_FERRY = P("""
    Island ferry back in service after six weeks of repairs

    The MV Skerry Queen returned to the route between Saltby and the Outer Isles on Monday after six weeks in dry dock, ending a period in which islanders relied on a smaller replacement vessel that could not carry lorries.

    The operator, Coastline Ferries, said a crack found in the ship's propeller shaft during a routine inspection in January had taken longer to repair than planned because a replacement part had to be made in Rotterdam.

    During the outage, shops on the islands reported shortages of fresh food and building materials, and the island council arranged two extra cargo sailings with a chartered vessel. Councillor Morag Tulloch said the episode showed the islands could not depend on a single ageing ship. "We were one bolt away from empty shelves," she said.

    The Skerry Queen is 31 years old. The regional government has ordered a new ferry for the route, but its delivery has been delayed until 2028.

    Coastline Ferries said it would add extra sailings on Fridays and Sundays through March to clear a backlog of vehicle bookings.
""")

AGRI_ORCHARD = P("""
    Late frost puts apple blossom at risk in the Wend Valley

    Fruit growers in the Wend Valley spent Tuesday night running fans and lighting frost candles between the rows after temperatures fell to minus 3 degrees Celsius, the coldest March night in the area for nine years.

    The valley produces about a fifth of the region's apples, and many early varieties had already started to flower after a mild February. Open blossom can be damaged at temperatures just below freezing, which can cut the following harvest sharply.

    Grower Beatrix Olsen, who farms 60 hectares near Millbrook, said her family had stayed up until dawn moving between the orchards. "You can't tell the damage for a few days. You cut a flower open and look at the centre; if it has gone black, that apple is lost," she said.

    The growers' cooperative said it was too early to estimate losses but that frost insurance claims were likely to rise. Some farms have installed overhead sprinklers, which protect blossom by coating it in a thin shell of ice, but the systems are expensive and need large amounts of water.

    Forecasters said temperatures were expected to stay above freezing for the rest of the week.
""")

# Same organisation as the story group (Nordic Ocean Observatory, Okonkwo-Lindqvist, Polar Tern),
# different event: must NOT join the story group.
SCI_NOO_PLANKTON = P("""
    Nordic Ocean Observatory records earliest plankton bloom in Barents Sea

    Scientists at the Nordic Ocean Observatory said on Thursday that satellite and buoy data show a large phytoplankton bloom forming in the southern Barents Sea almost three weeks earlier than the average for the past two decades.

    The bloom, which turns surface water a milky green, was first picked up by sensors on a moored buoy north of Vardø on 2 February. Observatory oceanographer Henrik Aasen said warmer inflowing Atlantic water and thinner sea ice in the area were the likely causes.

    Early blooms can shift the timing of the food supply for fish larvae and seabirds, Aasen said. "If the food arrives before the animals that depend on it, you get a mismatch, and that can echo through the whole system for years."

    The observatory will send its research vessel Polar Tern to sample the bloom later this month, collecting water from different depths to measure nutrients and identify the species involved. Its director-general, Signe Okonkwo-Lindqvist, said the findings would be shared with fisheries managers in Norway and Russia.
""")

# --------------------------------------------------------------------------------------------
# Templated look-alikes (NOT copies of each other)
# --------------------------------------------------------------------------------------------
BRIEF_NORTHWIND = P("""
    Northwind Freight Ltd reported third-quarter revenue of $412.6 million, up 8.3% from a year earlier, as higher container volumes on its Baltic routes offset weaker demand for road haulage. Net profit rose to $37.9 million, or 41 cents per share, from $31.2 million in the same period last year.

    The results were slightly ahead of analysts' expectations, according to a poll of brokers compiled by Harbour Markets Data. Chief executive Lars Brekke said in a statement that the company had delivered a solid quarter and that its winter order book was the strongest in five years.

    Northwind kept its full-year guidance unchanged, forecasting revenue of between $1.58 billion and $1.62 billion. Its shares rose 2.1% in early trading on the Harbour exchange.

    The company will hold a conference call for investors and analysts at 10am and will report fourth-quarter results on 12 February.

    This brief was generated automatically from the company\'s results announcement and checked by a Markets Desk editor. All figures are in US dollars unless stated otherwise.
""")

BRIEF_ALDER = P("""
    Alder Biosciences plc reported third-quarter revenue of $96.4 million, up 14.7% from a year earlier, as sales of its diagnostic test kits to hospital laboratories kept climbing. Net profit rose to $11.3 million, or 18 cents per share, from $7.8 million in the same period last year.

    The results were well ahead of analysts' expectations, according to a poll of brokers compiled by Harbour Markets Data. Chief executive Nadia Farouk said in a statement that the company had delivered a record quarter and had won two new supply contracts with regional health boards.

    Alder raised its full-year guidance, forecasting revenue of between $372 million and $380 million. Its shares rose 5.6% in early trading on the Harbour exchange.

    The company will hold a conference call for investors and analysts at 9am and will report fourth-quarter results on 19 February.

    This brief was generated automatically from the company\'s results announcement and checked by a Markets Desk editor. All figures are in US dollars unless stated otherwise.
""")

BRIEF_COBALT = P("""
    Cobalt Ridge Mining Corp reported third-quarter revenue of $1.27 billion, down 4.1% from a year earlier, as lower nickel prices outweighed a recovery in output at its northern mine. Net profit fell to $88.5 million, or 62 cents per share, from $140.2 million in the same period last year.

    The results were below analysts' expectations, according to a poll of brokers compiled by Harbour Markets Data. Chief executive Robert Mains said in a statement that the company had come through a difficult quarter after summer flooding closed two shafts for six weeks.

    Cobalt Ridge cut its full-year guidance, forecasting revenue of between $5.1 billion and $5.3 billion. Its shares fell 3.4% in early trading on the Harbour exchange.

    The company will hold a conference call for investors and analysts at 11am and will report fourth-quarter results on 26 February.

    This brief was generated automatically from the company\'s results announcement and checked by a Markets Desk editor. All figures are in US dollars unless stated otherwise.
""")

BRIEF_QUAYSIDE = P("""
    Quayside Media Group reported third-quarter revenue of $58.9 million, up 2.2% from a year earlier, as growth in digital subscriptions made up for falling print advertising. Net profit rose to $4.1 million, or 9 cents per share, from $3.6 million in the same period last year.

    The results were in line with analysts' expectations, according to a poll of brokers compiled by Harbour Markets Data. Chief executive Imogen Hart said in a statement that the company had passed 210,000 paying online readers for the first time.

    Quayside kept its full-year guidance unchanged, forecasting revenue of between $231 million and $236 million. Its shares rose 0.8% in early trading on the Harbour exchange.

    The company will hold a conference call for investors and analysts at 2pm and will report fourth-quarter results on 5 March.

    This brief was generated automatically from the company\'s results announcement and checked by a Markets Desk editor. All figures are in US dollars unless stated otherwise.
""")

RESULT_ROVERS = P("""
    Coastal League round 22 result: Harbour Rovers 3, Kestrel Town 1

    Harbour Rovers and Kestrel Town met at Quayside Park on Saturday afternoon in round 22 of the Coastal League, in front of a crowd of 4,812. Ben Okafor headed Rovers in front after 12 minutes and Luis Ferreira made it two before the break. Sam Whitlow pulled one back for Kestrel on the hour, but Okafor struck again in stoppage time.

    After the match, Harbour Rovers are second in the Coastal League table with 44 points from 22 matches, and Kestrel Town are 11th with 25 points. Full tables, fixtures and match statistics are available on the league website.

    In round 23 next Saturday, Harbour Rovers play away at Millbrook United, and Kestrel Town play at home against Westmere Wanderers. Kick-off for all round 23 matches is at 3pm.

    This report was compiled by the Harbour Gazette sports desk from official league data. Attendance figures are supplied by the home club.
""")

RESULT_SALTBY = P("""
    Coastal League round 22 result: Saltby Athletic 2, Millbrook United 2

    Saltby Athletic and Millbrook United met at Harbour Road on Saturday afternoon in round 22 of the Coastal League, in front of a crowd of 3,960. Theo Banks gave the visitors an early lead and an own goal doubled it before half-time. Kofi Mensah scored twice after the interval for Saltby, the equaliser coming from the penalty spot with four minutes left.

    After the match, Saltby Athletic are first in the Coastal League table with 46 points from 22 matches, and Millbrook United are 7th with 33 points. Full tables, fixtures and match statistics are available on the league website.

    In round 23 next Saturday, Saltby Athletic play away at Castleford City, and Millbrook United play at home against Harbour Rovers. Kick-off for all round 23 matches is at 3pm.

    This report was compiled by the Harbour Gazette sports desk from official league data. Attendance figures are supplied by the home club.
""")

RESULT_WESTMERE = P("""
    Coastal League round 22 result: Westmere Wanderers 0, Castleford City 1

    Westmere Wanderers and Castleford City met at Mill Lane on Saturday afternoon in round 22 of the Coastal League, in front of a crowd of 2,305. A scrappy first half produced a single shot on target, and the only goal came after 71 minutes when striker Anil Dutta turned in a low cross for Castleford. Westmere hit the post deep into stoppage time.

    After the match, Castleford City are fifth in the Coastal League table with 36 points from 22 matches, and Westmere Wanderers are 14th with 21 points. Full tables, fixtures and match statistics are available on the league website.

    In round 23 next Saturday, Westmere Wanderers play away at Kestrel Town, and Castleford City play at home against Saltby Athletic. Kick-off for all round 23 matches is at 3pm.

    This report was compiled by the Harbour Gazette sports desk from official league data. Attendance figures are supplied by the home club.
""")

# --------------------------------------------------------------------------------------------
# Non-English articles
# --------------------------------------------------------------------------------------------
DE_RADWEG = P("""
    Stadtrat von Lindenau beschließt neues Radwegenetz

    Der Stadtrat von Lindenau hat am Dienstagabend mit deutlicher Mehrheit ein neues Radwegenetz für die Innenstadt beschlossen. Bis 2029 sollen rund 34 Kilometer geschützte Radwege entstehen, die meisten davon auf bisherigen Parkstreifen.

    Oberbürgermeisterin Katrin Vollmer sprach von einem „Wendepunkt für die Stadt“. Nach ihren Angaben legen die Lindenauer inzwischen fast ein Viertel aller Wege mit dem Fahrrad zurück, doch viele Strecken seien gefährlich und schlecht beleuchtet.

    Die Kosten werden auf 21 Millionen Euro geschätzt. Etwa die Hälfte soll aus einem Förderprogramm des Landes kommen. Der Einzelhandelsverband kritisierte den Wegfall von mehr als 600 Parkplätzen und kündigte an, die Pläne genau zu prüfen.

    Die ersten Abschnitte an der Bahnhofstraße und am Mühlenring sollen bereits im Herbst fertig sein. Anwohnerinnen und Anwohner können sich ab April in öffentlichen Sprechstunden über die Einzelheiten informieren.
""")

DE_WATT = P("""
    Forschende entdecken neue Muschelart im Wattenmeer

    Meeresbiologen der Universität Nordhafen haben im Wattenmeer vor der Insel Sandrum eine bisher unbekannte Muschelart entdeckt. Die nur wenige Millimeter großen Tiere leben in feinen Röhren, die sie aus Sandkörnern und Schleim bauen.

    Gefunden wurde die Art bei einer routinemäßigen Bestandsaufnahme im vergangenen Sommer. Zunächst hielt das Team die Tiere für Jungtiere einer bekannten Art. Erst genetische Untersuchungen zeigten, dass es sich um eine eigenständige Art handelt.

    „Dass man in einem so gut untersuchten Gebiet noch etwas Neues findet, zeigt, wie wenig wir über das Leben im Sediment wissen“, sagte die Biologin Henrike Albers. Die Muschel soll den wissenschaftlichen Namen Sandrumia minuta erhalten.

    Als Nächstes wollen die Forschenden herausfinden, wie weit die Art verbreitet ist und wie empfindlich sie auf steigende Wassertemperaturen reagiert. Die Ergebnisse sollen im Sommer in einer Fachzeitschrift erscheinen.
""")

FR_CORDERIE = P("""
    Rouen : la dernière corderie de la ville va fermer ses portes

    Après cent douze ans d'activité, la corderie Lemaire, installée sur les quais de la Seine, fermera définitivement à la fin du mois de mars. L'entreprise familiale, qui fabriquait encore des cordages pour les voiliers et les bateaux de pêche, emploie aujourd'hui neuf personnes.

    « Nous n'arrivons plus à rivaliser avec les cordes synthétiques importées, vendues trois fois moins cher », explique Hélène Lemaire, qui dirige l'atelier depuis 2011. La hausse du prix du chanvre et de l'énergie a achevé de fragiliser les comptes.

    Une association de passionnés du patrimoine maritime souhaite racheter les machines, dont certaines datent des années 1920, afin de les exposer dans un futur musée. La mairie a indiqué qu'elle étudiait la possibilité de mettre un local à sa disposition.

    Les salariés bénéficieront d'un accompagnement pour retrouver un emploi, a précisé la direction.
""")

ES_EMBALSES = P("""
    Los embalses de la comarca del Alcor caen al 18 % de su capacidad

    Los embalses que abastecen a la comarca del Alcor se encuentran al 18 % de su capacidad, el nivel más bajo registrado en un mes de marzo desde que existen datos, según informó el lunes la confederación hidrográfica.

    Las autoridades regionales han anunciado restricciones para el riego agrícola a partir del 1 de abril y han pedido a los ayuntamientos que reduzcan el consumo en parques y fuentes ornamentales. El suministro doméstico, por ahora, está garantizado hasta el otoño.

    «Llevamos tres inviernos con lluvias muy por debajo de la media», explicó la hidróloga Marta Ruiz Calvo. «No basta con esperar a que llueva; hay que reparar las redes, que pierden casi un tercio del agua».

    Las organizaciones agrarias han convocado una concentración para el próximo jueves frente a la sede del gobierno regional.
""")

RU_LEDOVY = P("""
    В Северогорске открылся новый ледовый дворец

    В субботу в Северогорске открылся ледовый дворец на 3500 зрителей, строительство которого продолжалось почти четыре года. Первым событием на новой арене стал матч юношеских хоккейных команд.

    По словам главы города Андрея Соколова, стоимость объекта составила 2,1 миллиарда рублей, большую часть средств выделил региональный бюджет. Во дворце две ледовые площадки, тренажёрный зал и небольшая гостиница для приезжих спортсменов.

    «Раньше нашим детям приходилось ездить на тренировки за двести километров», — сказал тренер местной детской спортивной школы Игорь Ветров. Теперь, по его словам, в секциях фигурного катания и хоккея смогут заниматься более шестисот ребят.

    Массовое катание для жителей будет открыто по выходным, билеты поступят в продажу на следующей неделе.
""")

ZH_CABLECAR = P("""
    青岚市开通首条跨海观光缆车

    青岚市首条跨海观光缆车于本周六正式投入运营。缆车全长约三点二公里，连接老城区的渔港码头与对岸的望潮岛，单程约需十四分钟，是目前国内跨越海面距离最长的观光缆车之一。

    据项目负责人介绍，缆车共设有八十六个车厢，每个车厢最多可乘坐八人，高峰时段每小时可运送约两千名乘客。为应对沿海地区频繁的大风天气，工程团队在设计时采用了加固的塔架结构，并安装了实时风速监测系统，一旦风力超过安全标准，系统将自动减速或暂停运行。

    当天上午，不少市民和游客早早来到码头排队体验。退休教师林女士说，以前去望潮岛只能坐渡船，遇到风浪常常停航，现在坐缆车既方便又能欣赏海景。

    市文旅局表示，缆车开通后预计每年可接待游客一百五十万人次，并将带动岛上民宿和餐饮业的发展。票价方面，成人单程票为六十元，本市居民凭身份证可享受半价优惠。
""")

# near-copy: different header line, a few characters changed (十四->十五, 林女士->林阿姨, 六十元->六十五元, 本周六->周六)
ZH_CABLECAR_COPY = P("""
    【海滨日报讯】青岚跨海观光缆车今起运营

    青岚市首条跨海观光缆车于周六正式投入运营。缆车全长约三点二公里，连接老城区的渔港码头与对岸的望潮岛，单程约需十五分钟，是目前国内跨越海面距离最长的观光缆车之一。

    据项目负责人介绍，缆车共设有八十六个车厢，每个车厢最多可乘坐八人，高峰时段每小时可运送约两千名乘客。为应对沿海地区频繁的大风天气，工程团队在设计时采用了加固的塔架结构，并安装了实时风速监测系统，一旦风力超过安全标准，系统将自动减速或暂停运行。

    当天上午，不少市民和游客早早来到码头排队体验。退休教师林阿姨说，以前去望潮岛只能坐渡船，遇到风浪常常停航，现在坐缆车既方便又能欣赏海景。

    市文旅局表示，缆车开通后预计每年可接待游客一百五十万人次，并将带动岛上民宿和餐饮业的发展。票价方面，成人单程票为六十五元，本市居民凭身份证可享受半价优惠。
""")

JA_SAKURA = P("""
    桜の開花、平年より六日早く　港北市で観測

    港北地方気象台は十日、市内の公園にある標本木で桜（ソメイヨシノ）の開花を確認したと発表した。平年より六日早く、昨年と比べても三日早い開花となった。

    気象台によると、二月下旬から気温の高い日が続いたことが影響したとみられる。満開は来週半ばごろになる見通しだという。

    市内の川沿いの遊歩道では、早くもスマートフォンで写真を撮る人の姿が見られた。毎年訪れているという七十代の男性は「今年は春が駆け足でやってきた感じがする」と話していた。

    市は週末に予定していた桜まつりの日程を一週間前倒しし、夜間のライトアップも始める。
""")

# --------------------------------------------------------------------------------------------
# Story group: five write-ups of ONE invented event (9 March 2026, Mombasa)
# Shared facts: Nordic Ocean Observatory (Bergen) + Kenya Marine Institute, memorandum signed
# 9 March 2026 in Mombasa, Kina Deep Station, ~2,800 m deep, ~60 km offshore, ready by 2031,
# 240 million euros, open to all countries, signatories Signe Okonkwo-Lindqvist and Amina Wekesa,
# joint data centre, Polar Tern 2027 cruise + Pwani-3 seabed mapping.
# --------------------------------------------------------------------------------------------
STORY1_CAPTION = "A remotely operated vehicle is lowered from the deck of a research ship during a test dive."
STORY1_CREDIT = "Nordic Ocean Observatory"
STORY1 = P(f"""
    Top NewsWorld News

    Scandinavian ocean scientists and Kenya plan a permanent lab on the Indian Ocean floor

    {STORY1_CAPTION}

    {STORY1_CREDIT}

    A Scandinavian research body and Kenya's national marine science agency want to put a permanent laboratory on the floor of the Indian Ocean, in one of the most ambitious deep-sea projects yet proposed for African waters.

    The Nordic Ocean Observatory and the Kenya Marine Institute signed a memorandum of understanding in Mombasa on Monday, March 9, committing both organizations to design, build and run what they are calling Kina Deep Station, roughly 60 kilometers offshore at a depth of about 2,800 meters.

    The facility, according to a joint statement, will be "a long-term observatory on the seabed, able to work for months at a time without a crew on site," combining fixed instruments with a docking hub for underwater robots. It is expected to be operational by 2031 and is budgeted at 240 million euros.

    Research planned for the site ranges from the biology of deep-water corals and microbes to the behavior of the Somali Current, which reverses direction with the monsoon. Seismic sensors would also feed an early-warning network for tsunamis along the East African coast.

    Signe Okonkwo-Lindqvist, director-general of the Bergen-based observatory, and Amina Wekesa, who heads the Kenyan institute, signed the document. Both said the station would be "open to researchers from any country that wishes to take part."

    The partners already have smaller joint efforts under way. They intend to set up a shared ocean data center in Mombasa and to coordinate the 2027 survey cruise of the Norwegian research vessel Polar Tern with Pwani-3, the Kenyan program to map the seabed along its coastline.

    The deal fits a broader pattern of European science agencies seeking partners in the global south as funding at home tightens, and of coastal African states pushing to host, rather than merely supply samples to, major research infrastructure.

    Permanent deep-sea stations remain rare. Most ocean observatories rely on cabled sensors or visiting ships rather than fixed hubs, and earlier plans for seabed laboratories elsewhere have stalled over cost. Kenyan officials said detailed design work would begin in 2027, with construction starting the following year.

    View Article Origin Here

    Related Articles

    Back to top button
""")

STORY2_HEADLINE = "Kenya and the Nordic Ocean Observatory will build a research house at the bottom of the ocean"
STORY2_STRAY = "Quick example of an extraction task. ."
STORY2 = P(f"""
    {STORY2_HEADLINE}
    {STORY2_HEADLINE}

    The Kenya Marine Institute and Nordic Ocean Observatory said they signed agreement to construct the deep research station in the sea near Mombasa, which is to be complete in 2031.

    Nordic side has considered during several years the participation in "Seabed Window" project, a net of cables that other countries will lay on the floor of Atlantic in next decade.

    In the statement the Kenyan institute said: The Kina Deep Station, studied by Kenya and the Norway side, is a group of experimental installations which will be placed on the bottom of sea or hanging in its water column.

    The statement said the station aims to support many research experiments, including long unmanned work and possible presence of people who may descend to it in the submarine.

    Like the European observatories, Kenya has searched international support for its plans to put infrastructure on ocean floor and has sent several robot expeditions to the deep, including the first dive under 4,000 meters in Kenyan water, carried out in January. {STORY2_STRAY}

    The signing of the Deep Station Memorandum between the director-general of the Nordic observatory Signe Okonkist and the director of Kenya Marine Institute Amina Wekasa on 9 March is the latest effort of Mombosa to become the centre of sea science. The council approved. In 2024.

    Price of the station is 240 million euros, which is counted as the most large sum for ocean science in East Africa. Okonkwo-Lindqvist said the door of station is open for scientists of every country.

    The Kenyan side will provide the harbour for ships and the land for the data house, and the Nordic side will add to the size of the machines, which is considered the heavy part. Director Wekesa said the young engineers of Kenya will learn to drive the robots.

    Kenya quickly turned its attention to the Nordic offer. A spokesman said: Cooperation with the Northern observers has become one of most important priorities of institute over the past year.

    The memorandum also says the ship Polar Tern will make the survey voyage in 2027 together with the Kenyan mission Pwani-3, which is drawing the map of sea bottom along the coast of Mombasa.

    The concrete contributions of each side are not yet clear. Despite the reduced budgets, the institute continues to invest in new port infrastructure.

    Previous Post Next Post
""")

STORY3_VIDEO = "Video by Ocean Lens Media"
STORY3 = P(f"""
    Nordic observatory and Kenyan institute plan a laboratory on the deep seabed

    The Nordic Ocean Observatory (NOO) and the Kenya Marine Institute (KMI) have recently agreed to set up a permanent scientific outpost on the seabed off the Kenyan coast. The announcement arrives as marine researchers prepare to mark 150 years since HMS Challenger came home – a voyage widely seen as the birth of modern oceanography.

    The Bergen-headquartered NOO was formed in 1994 from a merger of three national fisheries laboratories. It has notched up several firsts in polar waters, among them the earliest year-round mooring beneath Arctic pack ice. In 2009 the observatory put its first autonomous glider into the water

    , the first unit of a fleet that now patrols the Norwegian Sea around the clock. The NOO also helped to shape Europe's seabed cable network, as the project moved from a single national line to a shared continental. Grid.

    In January, a remotely operated vehicle run by KMI reached 4,100 metres in the Pemba Channel, the deepest dive ever made from a Kenyan vessel. The institute says it now has the skills to handle heavy equipment far below the surface without foreign crews.

    "Within the memorandum framework, both parties will pool expertise in marine science, engineering and ship operations to draw up a joint plan and pursue close cooperation on site survey, demonstration , design, construction, operation and data sharing for Kina Deep Station, including presenting it to the wider oceanographic community ," KMI stated.

    Paperwork was completed in Mombasa on 9 March 2026, with NOO chief Signe Okonkwo-Lindqvist and KMI head Amina Wekesa putting pen to paper. Outlay for the project is put at 240 million euros, and the two sides want the outpost running by 2031.

    Why a deep station?

    A fixed base some 2,800 metres down would let scientists watch the ocean continuously rather than in snapshots between cruises. It could track how the Somali Current flips with the monsoon, listen for earthquakes that might trigger tsunamis, and follow creatures that never survive a trip to the surface.

    Last year the Polar Tern spent a week over the planned site on a trial cruise, and its crew filmed glowing siphonophores drifting past the lights of a robot. Watch the clip below.

    {STORY3_VIDEO}

    The seabed's stable temperatures and its position beneath a major current make the site a natural laboratory for studying how heat and carbon move between the surface and the
""")

STORY4_COMMENT1 = "Leave a Reply"
STORY4_COMMENT2 = "Your email address will not be published. Required fields are marked *"
STORY4_WIDGET = "You May Also Like"
STORY4_RM = "Read More"
STORY4_TEASERS = [
    ("Solar cargo sailboat completes first Atlantic crossing without fuel",
     "A 38-metre cargo sailboat covered in solar panels has reached Martinique after a 19-day crossing from the Canary Islands, carrying sacks of coffee and boxes of medical supplies without burning a litre of diesel. The crew of nine said the hardest part was not the weather but a long windless stretch in mid-ocean, when the batteries had to drive the boat for three days and ... Read more"),
    ("Octopuses may dream, say researchers who filmed them asleep",
     "Researchers filming octopuses in a laboratory tank noticed that the animals' skin flickered through bursts of colour and texture during what looked like deep sleep. The patterns resembled those the octopuses showed while hunting or hiding during the day, which led the team to suggest that the animals may be replaying recent experiences in a way that ... Read more"),
    ("Start-up says printed reef tiles could bring coral back within a decade",
     "A young company from Lisbon says clay tiles printed with tiny ridges and hollows give coral larvae a better foothold than bare rock or concrete. In trials at three sites in the Red Sea, more than twice as many young corals survived their first year on the printed tiles, although marine biologists caution that the real test will come when ... Read more"),
]
_story4_widget = "\n".join(
    f"{STORY4_RM}\n\n{h}\n\n{t}" for h, t in STORY4_TEASERS
)
STORY4 = P("""
    Kenya and Norwegian ocean observatory agreed to jointly build deep-sea scientific station

    The Kenya Marine Institute and the Nordic Ocean Observatory signed an interinstitutional Memorandum on Cooperation in the joint establishment of the Deep-Water Scientific Station "Kina". From the side of the organizations the document was signed by their leaders in the city of Mombasa on March 9.

    As reports the portal OceanNews, in accordance with the Memorandum, the sides will jointly place the station on the bottom of Indian Ocean by 2031 at a depth of around 2,800 meters, which means a turn of Scandinavian marine science in the "southern direction." This may noticeably reshape the balance of forces in deep-ocean research.

    The whole cost of the project is estimated at 240 million euros. The goal of Kina is a constant scientific presence on the ocean bottom during the coming decades, and the station will be accessible for specialists of all states, it is said in the text.

    According to the expert of the University of Dar es Salaam Halima Msuyah, the memorandum reflects a wider tendency of convergence of the "currents" of Europe and East Africa.
""") + "\n\n" + "\n\n".join([STORY4_COMMENT1, STORY4_COMMENT2]) + "\n\n" + STORY4_WIDGET + "\n" + _story4_widget

STORY5_HEADLINE = "Kenya and Nordic scientists to build permanent station on the ocean floor"
STORY5_CAPTION = "Scientists of the Kenya Marine Institute and the Nordic Ocean Observatory at the signing ceremony in Mombasa on 9 March 2026."
STORY5_GLUE = "Footage of the research vessel leaving port 1:12"
STORY5_BIO_NAME = "Marta Ellison"
STORY5_BIO = ("Marta covers science for the Coastline Globe. She has reported from research ships in three "
              "oceans and once spent a night in an underwater habitat off Florida. Never miss another story "
              "by bookmarking her author page right here.")
STORY5 = P(f"""
    {STORY5_HEADLINE}

    {STORY5_HEADLINE}

    Kenya and a leading Nordic marine research body have agreed to build a permanent station on the deep seabed that will be "available to every nation," the Kenya Marine Institute announced on Monday.

    The chiefs of both institutions put their names to a memorandum of understanding at a ceremony on the Mombasa waterfront, acting for their governments.

    "Our two institutions will bring decades of experience in ocean engineering, ship-based science and data handling to prepare together a plan for constructing Kina Deep Station," the Kenyan agency said.

    A statement released in Bergen said the Nordic Ocean Observatory intends to "work hand in hand with African colleagues to give the deep Indian Ocean the permanent attention it has always lacked."

    {STORY5_CAPTION}

    Under the plan, the station will be "a cluster of laboratories and sensors" sitting some 2,800 metres down, about 60 kilometres out to sea. Construction is priced at 240 million euros and is due to finish by 2031. Its instruments will study everything from "the chemistry of deep water to animals no one has yet named," the Kenyan agency said.

    The two bodies also agreed to open a shared data hub on the Kenyan coast, and to run the Polar Tern's 2027 voyage alongside Pwani-3, a mission charting the seabed off the Kenyan shore.

    Norway has a long record in polar oceanography. Fridtjof Nansen let his ship Fram freeze into the Arctic ice in 1893 and drift with it for nearly three years, proving that a current flowed across the polar sea.

    Kenya's marine science began more modestly, with a small fisheries laboratory by Mombasa's old harbour in the 1950s whose staff counted catches and measured water temperature by hand.

    {STORY5_GLUE}However, critics of the plan say the money would be better spent on patrolling coastal waters against illegal trawling, which costs Kenyan fishing communities far more than any gap in deep-sea knowledge.

    Signe Okonkwo-Lindqvist, who leads the Nordic observatory, rejected that view, saying the station would also train Kenyan engineers and technicians for decades.

    {STORY5_BIO_NAME}
    {STORY5_BIO}
""")

# --------------------------------------------------------------------------------------------
# Navigation-only / empty
# --------------------------------------------------------------------------------------------
NAV_MENU = "Home\nWorld\nSport\nSubscribe\nSign In"
NAV_COOKIE = "Accept all cookies\nManage preferences\nPrivacy Policy\nTerms of Use\n© 2026 Harbour Gazette"

# --------------------------------------------------------------------------------------------
# Feed-only articles
# --------------------------------------------------------------------------------------------
WIRE_PORT = P("""
    Dock workers at Saltby begin 48-hour strike over shift patterns

    About 300 dock workers at Saltby port walked out at 6am on Wednesday in a dispute over new shift rotas, halting the loading of container ships for the first time in eleven years.

    The Maritime and General Workers' Union said the port operator, Saltby Port Holdings, had tried to introduce twelve-hour night shifts without proper consultation. The company said the changes were needed to handle larger vessels arriving at unpredictable times and that it had offered a 6 percent pay rise.

    Two ships were waiting at anchor outside the harbour by midday, and hauliers warned of queues on the port road if the dispute dragged on. Talks are due to resume on Friday at the offices of the national conciliation service.
""")

WIRE_CHESS = P("""
    Sixteen-year-old wins Harbour Open chess title on tie-break

    Sixteen-year-old Mira Castellanos won the Harbour Open chess tournament on Sunday, beating three grandmasters over nine rounds and finishing level on points with veteran Pavlo Hrytsenko before taking the title on tie-break.

    Castellanos, who learned the game from her grandfather at a café table in Westmere, lost only one game all week. Her final-round win, a long endgame of rook against rook and bishop, lasted almost six hours.

    The result earns her a norm towards the international master title. Tournament director Alan Fenwick said the 214-player field was the largest in the event's history.
""")

WIRE_MUSEUM = P("""
    Maritime museum buys logbook of 19th-century whaling ship

    The Harbour Maritime Museum has bought the logbook of the whaling ship Constance, which sailed from the town in 1847 and spent three years in the South Atlantic, for £38,000 at an auction in Edinburgh.

    The leather-bound book records daily positions, weather and catches, as well as an attempted mutiny off South Georgia that the captain described in a single dry sentence. Curator Fiona Blackwood said the log had been in a private collection in Canada for more than a century.

    The museum plans to digitise every page and put the logbook on display from the summer, alongside a harpoon and a sea chest from the same voyage.
""")

WIRE_STORM_HEADER = "COAST WIRE | Weather"
WIRE_STORM_FOOTER = "(Reporting by Nils Dahl; Editing by Ruth Amsel)"

PARTNER_MARATHON = P("""
    Record field expected for Harbour City marathon

    More than 11,000 runners have registered for the Harbour City marathon on 26 April, the largest field since the race was first held in 1982, organisers said on Monday.

    The route has been changed this year to avoid roadworks on Marlow Bridge, and runners will instead cross the harbour on the old swing bridge, which will be closed to traffic for the morning. About 900 volunteers are needed to staff drink stations and the finish area.

    Race director Colm Duggan said the charity places had sold out in two days and that the event had raised £1.4 million for local causes last year.
""")

PARTNER_SOLAR = P("""
    Primary school roof becomes town's largest solar array

    Solar panels covering the roof of St Brendan's Primary School in Castleford were switched on on Friday, making the school the biggest producer of solar electricity in the town.

    The 420 panels are expected to generate around 160,000 kilowatt-hours a year, more than the school uses. Surplus power will be sold to the grid, earning about £9,000 a year that the head teacher, Rachel Gunn, said would be spent on music lessons.

    Pupils helped to choose the installer and will follow the system's output on a screen in the school hall.
""")

BLOG_ALLOTMENT = P("""
    Why the allotment waiting list is longer than the allotments

    I have been on the waiting list for a plot at the Millbrook Road allotments for three years and two months. Last week the council wrote to say I am now number 148. There are 96 plots on the site.

    The maths is not encouraging. According to the allotment society, only six or seven plots change hands in a typical year, usually when an older gardener finally gives up or moves away. At that rate I will be digging potatoes sometime around 2046.

    It is not only me. The council says demand across the borough has more than doubled since 2020, and several sites have closed their lists altogether. Meanwhile a strip of land behind the old tram depot has been empty for as long as I can remember.

    I asked the parks team whether it could be turned into new plots. The answer, politely, was that there is no budget for fencing, water or paths. Some neighbours have offered to do the work themselves if the council will sign a lease. I will report back.
""")

BLOG_FERRY_FOOTER = [
    "Filed under: Ferries, Outer Isles",
    "Share on Facebook · Share on X",
    "← Older post | Newer post →",
]

# --------------------------------------------------------------------------------------------
# Derived copies
# --------------------------------------------------------------------------------------------
SYND_HEADER = "Northern Courier | Science"
SYND_FOOTER = ["Read More", "Share this article", "© 2026 Harbour Gazette"]
SCI_PROBE_SYND = SYND_HEADER + "\n\n" + SCI_PROBE + "\n\n" + "\n".join(SYND_FOOTER)


def truncate_words(text, frac):
    words = list(re.finditer(r"\S+", text))
    n = int(len(words) * frac)
    return text[: words[n - 1].end()]


SCI_PROBE_TRUNC = truncate_words(SCI_PROBE, 0.65)


def straight_quotes(s):
    return s.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")


# exact-copy variants of TECH_GRID: whitespace / case / quote style / NFKC-only differences
_tg_lines = TECH_GRID.split("\n\n")
TECH_GRID_B = "\n\n".join([_tg_lines[0].lower()] + [
    straight_quotes(p).replace(" the ", "  the ", 3) for p in _tg_lines[1:]
])
TECH_GRID_C = "  " + "\n\n\n".join([_tg_lines[0].upper() + "   "] + [
    p.replace("200-megawatt", "２００-megawatt").replace("Tidewell Energy", "Tidewell\u00a0Energy")
     .replace(". ", ".  ", 2) + " "
    for p in _tg_lines[1:]
]) + "\n"

WIRE_STORM = WIRE_STORM_HEADER + "\n\n" + WEATHER_STORM.replace(
    "The weather service urged people to stay away from sea fronts while waves remain high.",
    "People were urged to keep away from sea fronts while waves stay high.",
) + "\n\n" + WIRE_STORM_FOOTER

BLOG_FERRY = TRANSPORT_FERRY.replace(
    "Island ferry back in service after six weeks of repairs",
    "Skerry Queen back in service after six weeks of repairs",
) + "\n\n" + "\n".join(BLOG_FERRY_FOOTER) + "\n"

# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------
def gz(slug, date="2026/03/09", site="www.harbourgazette.example"):
    return f"https://{site}/{date}/{slug}"


def rec(id_, text, url, **extra):
    r = {"id": id_, "text": text, "url": url}
    r.update(extra)
    return r


R = {}


def add(r):
    assert r["id"] not in R, r["id"]
    R[r["id"]] = r
    return r


add(rec("sci-probe-01", SCI_PROBE, gz("cormorant-probe-comet-images"),
        title="Cormorant probe returns first close images of comet's dusty jets",
        published="2026-03-09", meta={"lang": "en", "section": "science"}))
add(rec("sci-probe-01-synd", SCI_PROBE_SYND, "https://northerncourier.example/science/cormorant-comet-jets",
        published="2026-03-10"))
add(rec("sci-probe-01-trunc", SCI_PROBE_TRUNC, "https://feeds.newsroll.example/item/88231"))
add(rec("sport-rowing-01", SPORT_ROWING, gz("spring-regatta-lakeside", "2026/03/08"),
        title="Lakeside crews take five titles at windswept spring regatta", published="2026-03-08"))
add(rec("pol-council-01", POL_COUNCIL, gz("quay-street-bus-lane-vote", "2026/03/06"),
        title="Council backs Quay Street bus lane after three-hour debate", published="2026-03-06",
        meta={"lang": "en", "section": "politics", "wordcount_estimate": 250}))
add(rec("pol-council-01-edit", POL_COUNCIL_EDIT, "https://citybeat.example/news/2026-03-07-bus-lane"))
add(rec("biz-bakery-01", BIZ_BAKERY, gz("marrow-sons-expansion", "2026/03/04"), published="2026-03-04"))
add(rec("health-clinic-01", HEALTH_CLINIC, gz("walk-in-clinic-waiting-times", "2026/03/04"),
        title="Walk-in clinic cuts waiting times at Harbour General", meta={"lang": "en"}))
add(rec("weather-storm-01", WEATHER_STORM, gz("storm-halvard-flooding", "2026/03/01"), published="2026-03-01"))
add(rec("edu-library-01", EDU_LIBRARY, gz("central-library-reopens", "2026/03/07"), published="2026-03-07"))
add(rec("edu-library-01-repost", EDU_LIBRARY, "https://westmere-times.example/local/library-reopens"))
add(rec("tech-grid-01", TECH_GRID, gz("tidewell-battery-park", "2026/03/03"), published="2026-03-03"))
add(rec("tech-grid-01-b", TECH_GRID_B, "https://energyroundup.example/p/tidewell-westmere"))
add(rec("tech-grid-01-c", TECH_GRID_C, "https://aggregator.example/a/551902", meta={"lang": "en", "source": "aggregator"}))
add(rec("culture-festival-01", CULTURE_FESTIVAL, gz("film-festival-opens", "2026/03/13"), published="2026-03-13"))
add(rec("env-river-01", ENV_RIVER, gz("otters-river-wend", "2026/03/02"), published="2026-03-02",
        meta={"lang": "en", "section": "environment"}))
add(rec("env-river-01-typos", ENV_RIVER_TYPOS, "https://wildnewsdaily.example/otters-retrun-river-wend"))
add(rec("transport-ferry-01", TRANSPORT_FERRY, gz("skerry-queen-returns", "2026/03/02"), published="2026-03-02"))
add(rec("agri-orchard-01", AGRI_ORCHARD, gz("frost-apple-blossom", "2026/03/11"), published="2026-03-11"))
add(rec("sci-noo-plankton", SCI_NOO_PLANKTON, "https://oceanpost.example/2026/02/19/barents-bloom",
        published="2026-02-19"))
add(rec("brief-northwind", BRIEF_NORTHWIND, "https://marketsdesk.example/briefs/northwind-q3"))
add(rec("brief-alder", BRIEF_ALDER, "https://marketsdesk.example/briefs/alder-q3"))
add(rec("brief-cobalt", BRIEF_COBALT, "https://marketsdesk.example/briefs/cobalt-ridge-q3"))
add(rec("brief-quayside", BRIEF_QUAYSIDE, "https://marketsdesk.example/briefs/quayside-q3"))
add(rec("result-rovers-kestrel", RESULT_ROVERS, gz("rovers-kestrel-report", "2026/03/07", "sport.harbourgazette.example")))
add(rec("result-saltby-millbrook", RESULT_SALTBY, gz("saltby-millbrook-report", "2026/03/07", "sport.harbourgazette.example")))
add(rec("result-westmere-castleford", RESULT_WESTMERE, gz("westmere-castleford-report", "2026/03/07", "sport.harbourgazette.example")))
add(rec("de-radweg-01", DE_RADWEG, "https://www.lindenauer-anzeiger.example/lokales/radwegenetz",
        title="Stadtrat von Lindenau beschließt neues Radwegenetz", published="2026-03-04", meta={"lang": "de"}))
add(rec("de-radweg-01-repost", DE_RADWEG, "https://nachrichten-portal.example/regional/lindenau-radwege"))
add(rec("de-watt-01", DE_WATT, "https://www.kuestenbote.example/wissen/neue-muschelart", meta={"lang": "de"}))
add(rec("fr-corderie-01", FR_CORDERIE, "https://www.echo-des-quais.example/rouen/corderie-lemaire-fermeture",
        published="2026-03-05", meta={"lang": "fr"}))
add(rec("es-embalses-01", ES_EMBALSES, "https://www.diario-del-alcor.example/2026/03/09/embalses-minimos"))
add(rec("ru-ledovy-01", RU_LEDOVY, "https://severogorsk-news.example/sport/ledovyj-dvorec", meta={"lang": "ru"}))
add(rec("zh-cablecar-01", ZH_CABLECAR, "https://news.qinglan.example/2026/03/07/cablecar", meta={"lang": "zh"}))
add(rec("zh-cablecar-01-copy", ZH_CABLECAR_COPY, "https://www.haibin-daily.example/city/20260308/cablecar"))
add(rec("ja-sakura-01", JA_SAKURA, "https://kohoku-shimbun.example/news/20260310-sakura",
        published="2026-03-10", meta={"lang": "ja"}))
add(rec("story-1", STORY1, "https://worldnewsroll.example/2026/03/10/nordic-kenya-seabed-lab", published="2026-03-10"))
add(rec("story-2", STORY2, "https://dailyinfo-hub.example/kenya-nordic-research-house-ocean-bottom"))
add(rec("story-3", STORY3, "https://sciencevista.example/ocean/kina-deep-station-plan"))
add(rec("story-4", STORY4, "https://techmir-blog.example/2026/03/kenya-norway-deep-sea-station",
        meta={"lang": "en", "translated_from": "ru"}))
add(rec("story-5", STORY5, "https://coastlineglobe.example/world/kenya-nordic-ocean-floor-station",
        title=STORY5_HEADLINE, published="2026-03-09"))
add(rec("nav-menu-01", NAV_MENU, "https://www.harbourgazette.example/"))
add(rec("nav-cookie-01", NAV_COOKIE, "https://www.harbourgazette.example/consent"))
add(rec("empty-01", "", "https://www.harbourgazette.example/2026/03/09/live-updates"))

# Physical order of news.jsonl. Strings prefixed "!" are malformed lines, "" is a blank line.
BAD_TRUNCATED = '{"id": "trunc-json-01", "text": "The harbour master said the dredging work would continue until'
BAD_NOT_JSON = "ERROR 503: upstream timeout while fetching https://www.harbourgazette.example/2026/03/09/"
BAD_MISSING_TEXT = json.dumps({"id": "no-text-01", "url": "https://www.harbourgazette.example/2026/03/05/photo-gallery",
                               "title": "In pictures: the week on the coast"}, ensure_ascii=False)
BAD_TEXT_NUMBER = json.dumps({"id": "num-text-01", "text": 404, "url": "https://www.harbourgazette.example/missing"})

NEWS_ORDER = [
    "sci-probe-01", "sport-rowing-01", "story-3", "pol-council-01", "brief-northwind",
    "de-radweg-01", "edu-library-01", "nav-menu-01", "tech-grid-01", "story-1",
    "weather-storm-01", "!" + BAD_TRUNCATED, "brief-alder", "zh-cablecar-01", "sci-probe-01-synd",
    "result-rovers-kestrel", "health-clinic-01", "fr-corderie-01", "story-5", "tech-grid-01-b",
    "", "env-river-01", "biz-bakery-01", "!" + BAD_NOT_JSON, "brief-cobalt",
    "ja-sakura-01", "sci-noo-plankton", "pol-council-01-edit", "empty-01", "culture-festival-01",
    "result-saltby-millbrook", "story-2", "es-embalses-01", "!" + BAD_MISSING_TEXT, "transport-ferry-01",
    "edu-library-01-repost", "de-watt-01", "sci-probe-01-trunc", "agri-orchard-01", "story-4",
    "brief-quayside", "!" + BAD_TEXT_NUMBER, "ru-ledovy-01", "env-river-01-typos", "tech-grid-01-c",
    "nav-cookie-01", "result-westmere-castleford", "zh-cablecar-01-copy", "de-radweg-01-repost",
]
assert sorted(x for x in NEWS_ORDER if x and not x.startswith("!")) == sorted(R), \
    set(R) ^ set(x for x in NEWS_ORDER if x and not x.startswith("!"))

GZ_RECORDS = [
    rec("wire-port-strike", WIRE_PORT, "https://coastwire.example/2026/03/11/saltby-dock-strike",
        published="2026-03-11", meta={"lang": "en", "desk": "business"}),
    rec("wire-health-clinic", HEALTH_CLINIC, "https://coastwire.example/2026/03/04/walk-in-clinic"),
    rec("wire-chess-01", WIRE_CHESS, "https://coastwire.example/2026/03/09/harbour-open-chess"),
    rec("wire-storm-halvard", WIRE_STORM, "https://coastwire.example/2026/03/01/storm-halvard"),
    rec("wire-museum-01", WIRE_MUSEUM, "https://coastwire.example/2026/03/12/constance-logbook",
        title="Maritime museum buys logbook of 19th-century whaling ship"),
]

PARTNER_LINES = [
    json.dumps(rec("partner-marathon", PARTNER_MARATHON, "https://partner-feed.example/items/7781"),
               ensure_ascii=False).encode("utf-8"),
    # Latin-1 bytes inside an otherwise UTF-8 JSON line: \xe9 (é) and a stray \xff\xfe
    b'{"id": "partner-bad-bytes", "text": "Caf\xe9 owners on Quay Street say the new bus lane has halved '
    b'their lunchtime trade \xff\xfe", "url": "https://partner-feed.example/items/7782"}',
    json.dumps(rec("partner-school-solar", PARTNER_SOLAR, "https://partner-feed.example/items/7783"),
               ensure_ascii=False).encode("utf-8"),
]

TXT_FILES = {
    "feeds/blog/coastal-ferry.txt": BLOG_FERRY,
    "feeds/blog/allotment-waiting-list.txt": BLOG_ALLOTMENT + "\n",
}


def write_bytes(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    malformed = []
    lines = []
    for i, item in enumerate(NEWS_ORDER, start=1):
        if item == "":
            lines.append("")
        elif item.startswith("!"):
            lines.append(item[1:])
        else:
            lines.append(json.dumps(R[item], ensure_ascii=False))
    write_bytes("news.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))

    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
        for r in GZ_RECORDS:
            g.write((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8"))
    write_bytes("feeds/wire-2026-03.jsonl.gz", buf.getvalue())

    write_bytes("feeds/partner-dump.jsonl", b"\n".join(PARTNER_LINES) + b"\n")

    for rel, text in TXT_FILES.items():
        write_bytes(rel, text.encode("utf-8"))


# --------------------------------------------------------------------------------------------
# EXPECTED.json
# --------------------------------------------------------------------------------------------
def line_starting(text, prefix):
    hits = [l for l in text.split("\n") if l.startswith(prefix)]
    assert len(hits) == 1, (prefix, hits)
    return hits[0]


def expected():
    news_lines = {item: i for i, item in enumerate(NEWS_ORDER, start=1)}
    malformed = [
        {"file": "news.jsonl", "line": news_lines["!" + BAD_TRUNCATED], "problem": "invalid_json"},
        {"file": "news.jsonl", "line": news_lines["!" + BAD_NOT_JSON], "problem": "invalid_json"},
        {"file": "news.jsonl", "line": news_lines["!" + BAD_MISSING_TEXT], "problem": "missing_text"},
        {"file": "news.jsonl", "line": news_lines["!" + BAD_TEXT_NUMBER], "problem": "text_not_string"},
        {"file": "feeds/partner-dump.jsonl", "line": 2, "problem": "invalid_utf8"},
    ]
    malformed.sort(key=lambda m: (m["file"], m["line"]))
    n_valid = len(R) + len(GZ_RECORDS) + (len(PARTNER_LINES) - 1) + len(TXT_FILES)
    S1, S2, S3, S4, S5 = (R[f"story-{i}"]["text"] for i in range(1, 6))
    debris = {
        "story-1": {
            "removed": ["Top NewsWorld News", STORY1_CAPTION, STORY1_CREDIT,
                        "View Article Origin Here", "Related Articles", "Back to top button"],
            "kept": [line_starting(S1, "The Nordic Ocean Observatory and the Kenya Marine Institute signed"),
                     line_starting(S1, "Signe Okonkwo-Lindqvist, director-general")],
            "removed_spans": [], "kept_spans": [],
        },
        "story-2": {
            "removed": ["Previous Post Next Post"],
            "kept": [line_starting(S2, "Price of the station is 240 million euros"),
                     line_starting(S2, "The memorandum also says the ship Polar Tern")],
            "removed_spans": [STORY2_STRAY],
            "kept_spans": ["including the first dive under 4,000 meters in Kenyan water, carried out in January."],
            "collapse_repeated": [STORY2_HEADLINE],
        },
        "story-3": {
            "removed": [STORY3_VIDEO],
            "kept": [line_starting(S3, "In January, a remotely operated vehicle run by KMI"),
                     line_starting(S3, "Paperwork was completed in Mombasa")],
            "removed_spans": [],
            "kept_spans": ["the first unit of a fleet that now patrols the Norwegian Sea around the clock"],
        },
        "story-4": {
            "removed": [STORY4_COMMENT1, STORY4_COMMENT2, STORY4_WIDGET, STORY4_RM]
                       + [h for h, _ in STORY4_TEASERS] + [t for _, t in STORY4_TEASERS],
            "kept": [line_starting(S4, "The whole cost of the project"),
                     line_starting(S4, "According to the expert of the University of Dar es Salaam")],
            "removed_spans": [], "kept_spans": [],
        },
        "story-5": {
            "removed": [STORY5_CAPTION, STORY5_BIO_NAME, STORY5_BIO],
            "kept": [line_starting(S5, "Under the plan, the station will be"),
                     line_starting(S5, "Signe Okonkwo-Lindqvist, who leads the Nordic observatory")],
            "removed_spans": [STORY5_GLUE],
            "kept_spans": ["However, critics of the plan say the money would be better spent"],
            "collapse_repeated": [STORY5_HEADLINE],
        },
        "sci-probe-01-synd": {
            "removed": [SYND_HEADER] + SYND_FOOTER,
            "kept": [line_starting(SCI_PROBE_SYND, "The Cormorant spacecraft, launched four years ago")],
            "removed_spans": [], "kept_spans": [],
        },
        "wire-storm-halvard": {
            "removed": [WIRE_STORM_HEADER, WIRE_STORM_FOOTER],
            "kept": [line_starting(WIRE_STORM, "In Saltby, the harbour wall was overtopped")],
            "removed_spans": [], "kept_spans": [],
        },
        "feeds/blog/coastal-ferry": {
            "removed": list(BLOG_FERRY_FOOTER),
            "kept": [line_starting(BLOG_FERRY, "The operator, Coastline Ferries, said a crack")],
            "removed_spans": [], "kept_spans": [],
        },
    }
    return {
        "_comment": "Expectations for copydesk integration tests over samples/. Generated by build_samples.py; "
                    "verified by check_samples.py. Keys beyond the documented schema (debris.*.collapse_repeated, "
                    "garble_evidence, passthrough_fields, blank_lines) are informational; see README.md.",
        "exact_groups": [
            ["edu-library-01", "edu-library-01-repost"],
            ["tech-grid-01", "tech-grid-01-b", "tech-grid-01-c"],
            ["de-radweg-01", "de-radweg-01-repost"],
            ["health-clinic-01", "wire-health-clinic"],
        ],
        "near_groups": [
            ["sci-probe-01", "sci-probe-01-synd", "sci-probe-01-trunc"],
            ["pol-council-01", "pol-council-01-edit"],
            ["env-river-01", "env-river-01-typos"],
            ["zh-cablecar-01", "zh-cablecar-01-copy"],
            ["transport-ferry-01", "feeds/blog/coastal-ferry"],
            ["weather-storm-01", "wire-storm-halvard"],
        ],
        "not_copies": [
            ["brief-northwind", "brief-alder", "brief-cobalt", "brief-quayside"],
            ["result-rovers-kestrel", "result-saltby-millbrook", "result-westmere-castleford"],
            ["story-1", "story-2", "story-3", "story-4", "story-5", "sci-noo-plankton"],
            ["sci-probe-01", "sport-rowing-01", "pol-council-01", "biz-bakery-01", "health-clinic-01",
             "weather-storm-01", "edu-library-01", "tech-grid-01", "culture-festival-01", "env-river-01",
             "transport-ferry-01", "agri-orchard-01", "sci-noo-plankton", "wire-port-strike", "wire-chess-01",
             "wire-museum-01", "partner-marathon", "partner-school-solar", "feeds/blog/allotment-waiting-list"],
            ["de-radweg-01", "de-watt-01", "fr-corderie-01", "es-embalses-01", "ru-ledovy-01",
             "zh-cablecar-01", "ja-sakura-01"],
        ],
        "story_groups": [{
            "members": ["story-1", "story-2", "story-3", "story-4", "story-5"],
            "best": "story-1",
            "worst": "story-2",
            "unrelated": ["sci-noo-plankton"],
        }],
        "languages": {
            "de-radweg-01": "de", "de-radweg-01-repost": "de", "de-watt-01": "de",
            "fr-corderie-01": "fr", "es-embalses-01": "es", "ru-ledovy-01": "ru",
            "zh-cablecar-01": "zh", "zh-cablecar-01-copy": "zh", "ja-sakura-01": "ja",
            "sci-probe-01": "en", "story-1": "en", "story-2": "en", "brief-alder": "en",
            "wire-chess-01": "en", "feeds/blog/allotment-waiting-list": "en",
        },
        "garbled": ["story-2", "env-river-01-typos"],
        "clean_reference": ["story-1", "sci-probe-01", "pol-council-01", "biz-bakery-01", "health-clinic-01",
                            "edu-library-01", "env-river-01", "transport-ferry-01", "agri-orchard-01"],
        "garble_evidence": {
            "story-2": [["Mombasa", "Mombosa"], ["Okonkwo-Lindqvist", "Okonkist"], ["Wekesa", "Wekasa"]],
        },
        "debris": debris,
        "empty_or_debris_only": ["nav-menu-01", "nav-cookie-01", "empty-01"],
        "malformed": malformed,
        "blank_lines": [{"file": "news.jsonl", "line": news_lines[""]}],
        "passthrough_fields": {
            rid: sorted(k for k in r if k not in ("id", "text"))
            for rid, r in list(R.items()) + [(r["id"], r) for r in GZ_RECORDS]
            if set(r) - {"id", "text", "url"}
        },
        "valid_record_count": n_valid,
        "invalid_line_count": len(malformed),
    }


def write_expected():
    write_bytes("EXPECTED.json", (json.dumps(expected(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
    write_expected()
