"""Deadlines worked out by hand from each statute and the official holiday lists.

Every case is run twice: through `manage.py deadline ... --json` (the way a user asks) and
through the engine. Each comment is the count as done by hand, day 0 being the day of
receipt. "wd" is a working day of the regime's calendar. A date of None means the statute
gives no date for that stage: "a reasonable period" that the body must state.

Holiday lists used (gov.uk bank holidays; 5 U.S.C. 6103 and OPM; Ireland's Organisation
of Working Time Act Sch 2 and citizensinformation.ie; the state and territory Holidays
Acts; OIA s.2; Interpretation Act (Canada) s.35 and the provinces' lists):
- UK 2026: 1, 2 (Sct) Jan; 17 Mar (NI); 3, 6 Apr; 4, 25 May; 15 Jun (Sct, one-off);
  13 Jul (NI, Boyne substitute); 3 Aug (Sct); 31 Aug; 30 Nov (Sct); 25, 28 Dec.
  2027: 1, 4 (Sct, 2 Jan substitute) Jan; 17 Mar (NI); 26, 29 Mar; 3, 31 May; 12 Jul (NI);
  2 Aug (Sct); 30 Aug; 30 Nov (Sct); 27, 28 Dec. 2028: 3, 4 (Sct) Jan.
- Scotland: no Easter Monday, no 31 Aug; St Andrew's Day and 2 January count.
- US 2026: 1, 19 Jan; 16 Feb; 25 May; 19 Jun; 3 Jul (observed); 7 Sep; 12 Oct; 11, 26 Nov;
  25 Dec. 2027: 18 Jan; 24 Dec (observed); 31 Dec (New Year's Day 2028 observed).
  2028: 17 Jan.
- Ireland 2026: 1 Jan; 2 Feb; 17 Mar; 6 Apr; 4 May; 1 Jun; 3 Aug; 26 Oct; 25 Dec
  (26 Dec is a Saturday: no substitute day). 2027: 1 Jan; 1 Feb; 17, 29 Mar; 25, 26 Dec
  are a weekend, none in lieu. Good Friday is not a public holiday.
- NZ 2026: 6 Feb; 3, 6 Apr; 27 Apr (Anzac Day Mondayised); 1 Jun; 10 Jul; 26 Oct;
  25 Dec to 15 Jan. Regional anniversary days count as working days.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.management import call_command

from requests_app.deadlines import due_for_stage


@dataclass(frozen=True)
class Case:
    regime: str
    stage: str
    received: str
    due: str | None
    nation: str | None = None
    subdivision: str | None = None

    def __str__(self) -> str:
        where = "-".join(part for part in (self.nation, self.subdivision) if part)
        return f"{self.regime}-{self.stage}-{self.received}{'-' + where if where else ''}"


CASES = [
    # --- uk-foia: 20 wd, FOIA s.10(1); s.10(6) any part of the UK -------------------------
    # Fri 28 Nov 2025: 1 Dec (St Andrew's Day substitute, Sct) skipped; Dec 2-5 (4), 8-12 (9),
    # 15-19 (14), 22-24 (17), 25 and 26 Dec skipped, 29-31 (20).
    Case("uk-foia", "response", "2025-11-28", "2025-12-31"),
    # Mon 1 Jun 2026: 2-5 (4), 8-12 (9), 15 Jun (Sct one-off) skipped, 16-19 (13), 22-26 (18),
    # 29 (19), 30 (20).
    Case("uk-foia", "response", "2026-06-01", "2026-06-30"),
    # Wed 18 Mar 2026, Easter: 19-20 (2), 23-27 (7), 30-31 (9), 1-2 Apr (11), Good Friday
    # and Easter Monday skipped, 7-10 (15), 13-17 (20).
    Case("uk-foia", "response", "2026-03-18", "2026-04-17"),
    # Received on a Saturday, Sat 4 Jul 2026: 6-10 (5), 13 Jul (Boyne substitute, NI)
    # skipped, 14-17 (9), 20-24 (14), 27-31 (19), 3 Aug (Sct) skipped, 4 Aug (20).
    Case("uk-foia", "response", "2026-07-04", "2026-08-04"),
    # Mon 13 Dec 2027, year end: 14-17 (4), 20-24 (9), 27 and 28 Dec (substitutes) skipped,
    # 29-31 (12), 3 Jan (New Year substitute) and 4 Jan (2 Jan substitute, Sct) skipped,
    # 5-7 (15), 10-14 (20).
    Case("uk-foia", "response", "2027-12-13", "2028-01-14"),
    # Mon 2 Mar 2026: 3-6 (4), 9-13 (9), 16 (10), 17 Mar (St Patrick's Day, NI) skipped even
    # for an English body, 18-20 (13), 23-27 (18), 30-31 (20).
    Case("uk-foia", "response", "2026-03-02", "2026-03-31", nation="ENG"),
    # Public interest extension, 40 wd in all: from 28 Nov 2025 the 20th is 31 Dec; 1 Jan
    # and 2 Jan (Sct) skipped, 5-9 (25), 12-16 (30), 19-23 (35), 26-30 (40).
    Case("uk-foia", "extended", "2025-11-28", "2026-01-30"),
    # From Wed 18 Mar 2026 the 20th is 17 Apr; 20-24 (25), 27 Apr-1 May (30), 4 May
    # skipped, 5-8 (34), 11-15 (39), 18 (40).
    Case("uk-foia", "extended", "2026-03-18", "2026-05-18"),
    # Internal review, 20 wd from the request for it, Mon 5 Jan 2026: 6-9 (4), 12-16 (9),
    # 19-23 (14), 26-30 (19), 2 Feb (20).
    Case("uk-foia", "review", "2026-01-05", "2026-02-02"),
    # Review asked Sun 15 Nov 2026: 16-20 (5), 23-27 (10), 30 Nov (St Andrew's Day, Sct)
    # skipped, 1-4 Dec (14), 7-11 (19), 14 (20).
    Case("uk-foia", "review", "2026-11-15", "2026-12-14"),
    # --- uk-eir: 20 wd reg 5(2), 40 wd reg 7(1), reconsideration 40 wd reg 11(4) ---------------
    # Fri 11 Dec 2026: 14-18 (5), 21-24 (9), 25 and 28 Dec (Boxing Day substitute) skipped,
    # 29-31 (12), 1 Jan and 4 Jan (Sct) skipped, 5-8 (16), 11-14 (20).
    Case("uk-eir", "response", "2026-12-11", "2027-01-14"),
    # Thu 25 Mar 2027, Easter: Good Friday 26 and Easter Monday 29 skipped, 30-31 (2),
    # 1-2 Apr (4), 5-9 (9), 12-16 (14), 19-23 (19), 26 (20).
    Case("uk-eir", "response", "2027-03-25", "2027-04-26"),
    # Mon 5 Jan 2026, 40 wd: 6-9 (4), 12-16 (9), 19-23 (14), 26-30 (19), 2-6 Feb (24),
    # 9-13 (29), 16-20 (34), 23-27 (39), 2 Mar (40).
    Case("uk-eir", "extended", "2026-01-05", "2026-03-02"),
    # Fri 11 Dec 2026: the 20th is 14 Jan 2027; 15 (21), 18-22 (26), 25-29 (31), 1-5 Feb
    # (36), 8-11 (40).
    Case("uk-eir", "extended", "2026-12-11", "2027-02-11"),
    # Representations received Mon 1 Mar 2027: 2-5 (4), 8-12 (9), 15-16 (11), 17 (NI)
    # skipped, 18-19 (13), 22-25 (17), 26 and 29 (Easter) skipped, 30-31 (19), 1-2 Apr
    # (21), 5-9 (26), 12-16 (31), 19-23 (36), 26-29 (40).
    Case("uk-eir", "review", "2027-03-01", "2027-04-29"),
    # Sat 1 Aug 2026: 3 Aug (Sct) skipped, 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19),
    # 31 Aug skipped, 1-4 Sep (23), 7-11 (28), 14-18 (33), 21-25 (38), 28-29 (40).
    Case("uk-eir", "review", "2026-08-01", "2026-09-29"),
    # --- scot-foisa: 20 wd s.10(1); s.73 Scottish bank holidays, Christmas, Good Friday -------
    # Mon 30 Mar 2026: 31 (1), 1-2 Apr (3), Good Friday skipped, Easter Monday 6 Apr is a
    # working day in Scotland (4), 7-10 (8), 13-17 (13), 20-24 (18), 27-28 (20).
    Case("scot-foisa", "response", "2026-03-30", "2026-04-28"),
    # Fri 20 Nov 2026: 23-27 (5), 30 Nov (St Andrew's Day) skipped, 1-4 Dec (9), 7-11 (14),
    # 14-18 (19), 21 (20).
    Case("scot-foisa", "response", "2026-11-20", "2026-12-21"),
    # Fri 18 Dec 2026: 21-24 (4), 25 and 28 Dec skipped, 29-31 (7), 1 Jan and 4 Jan 2027
    # (2 January substitute) skipped, 5-8 (11), 11-15 (16), 18-21 (20).
    Case("scot-foisa", "response", "2026-12-18", "2027-01-21"),
    # Received on a Sunday, 31 May 2026: 1-5 Jun (5), 8-12 (10), 15 Jun (one-off) skipped,
    # 16-19 (14), 22-26 (19), 29 (20).
    Case("scot-foisa", "response", "2026-05-31", "2026-06-29"),
    # Review, s.21(1), asked Thu 16 Jul 2026: 17 (1), 20-24 (6), 27-31 (11), 3 Aug (summer
    # holiday) skipped, 4-7 (15), 10-14 (20).
    Case("scot-foisa", "review", "2026-07-16", "2026-08-14"),
    # Asked Wed 24 Mar 2027: 25 (1), Good Friday skipped, Easter Monday 29 counts (2),
    # 30-31 (4), 1-2 Apr (6), 5-9 (11), 12-16 (16), 19-22 (20).
    Case("scot-foisa", "review", "2027-03-24", "2027-04-22"),
    # --- uk-sar: one month from the day of receipt (Art 12(3)); weekend or bank holiday of
    # the controller's part of the UK -> next working day (ICO) ---------------------------
    # Thu 3 Sep 2026 -> Sat 3 Oct -> Mon 5 Oct.
    Case("uk-sar", "response", "2026-09-03", "2026-10-05"),
    # Sat 31 Jan 2026 -> no 31 Feb: Sat 28 Feb -> Mon 2 Mar.
    Case("uk-sar", "response", "2026-01-31", "2026-03-02"),
    # Mon 31 Jan 2028 -> leap year: Tue 29 Feb 2028, a working day.
    Case("uk-sar", "response", "2028-01-31", "2028-02-29"),
    # Wed 2 Dec 2026, Scottish controller -> Sat 2 Jan 2027; Mon 4 Jan is the 2 January
    # substitute in Scotland -> Tue 5 Jan.
    Case("uk-sar", "response", "2026-12-02", "2027-01-05", nation="SCT"),
    # The same for an English controller: Mon 4 Jan 2027 is a working day in England.
    Case("uk-sar", "response", "2026-12-02", "2027-01-04", nation="ENG"),
    # Wed 17 Feb 2027, Northern Irish controller -> Wed 17 Mar, St Patrick's Day -> Thu 18.
    Case("uk-sar", "response", "2027-02-17", "2027-03-18", nation="NIR"),
    # The same for a Welsh controller: 17 Mar is a working day in Wales.
    Case("uk-sar", "response", "2027-02-17", "2027-03-17", nation="WLS"),
    # Extension, three months in all: Mon 28 Sep 2026 -> Mon 28 Dec, Boxing Day substitute
    # -> Tue 29 Dec.
    Case("uk-sar", "extended", "2026-09-28", "2026-12-29", nation="NIR"),
    # Tue 30 Nov 2027 -> no 30 Feb: Tue 29 Feb 2028 (leap year).
    Case("uk-sar", "extended", "2027-11-30", "2028-02-29"),
    # --- us-foia: 20 wd, 552(a)(6)(A)(i); 5 U.S.C. 6103 holidays, observed dates -----------
    # Mon 15 Jun 2026: 16-18 (3), 19 Juneteenth skipped, 22-26 (8), 29-30 (10), 1-2 Jul
    # (12), 3 Jul (Independence Day observed) skipped, 6-10 (17), 13-15 (20).
    Case("us-foia", "response", "2026-06-15", "2026-07-15"),
    # Tue 30 Jun 2026: 1-2 Jul (2), 3 skipped, 6-10 (7), 13-17 (12), 20-24 (17), 27-29 (20).
    Case("us-foia", "response", "2026-06-30", "2026-07-29"),
    # Fri 10 Dec 2027: 13-17 (5), 20-23 (9), 24 Dec (Christmas observed) skipped, 27-30
    # (13), 31 Dec (New Year's Day 2028 observed) skipped, 3-7 Jan (18), 10-11 (20).
    Case("us-foia", "response", "2027-12-10", "2028-01-11"),
    # Received Sat 7 Nov 2026: 9-10 (2), 11 Veterans Day skipped, 12-13 (4), 16-20 (9),
    # 23-25 (12), 26 Thanksgiving skipped, the Friday after counts (13), 30 (14), 1-4 Dec
    # (18), 7-8 (20).
    Case("us-foia", "response", "2026-11-07", "2026-12-08"),
    # Unusual circumstances, 552(a)(6)(B)(i), 30 wd in all: from 15 Jun 2026 the 20th is
    # 15 Jul; 16-17 (22), 20-24 (27), 27-29 (30).
    Case("us-foia", "extended", "2026-06-15", "2026-07-29"),
    # From Fri 10 Dec 2027 the 20th is 11 Jan 2028; 12-14 (23), 17 Jan (Martin Luther King
    # Jr. Day) skipped, 18-21 (27), 24-26 (30).
    Case("us-foia", "extended", "2027-12-10", "2028-01-26"),
    # Appeal, 552(a)(6)(A)(ii), 20 wd from Mon 2 Nov 2026: 3-6 (4), 9-10 (6), 11 skipped,
    # 12-13 (8), 16-20 (13), 23-25 (16), 26 skipped, 27 (17), 30 (18), 1-2 Dec (20).
    Case("us-foia", "review", "2026-11-02", "2026-12-02"),
    # Appeal received Thu 14 Jan 2027: 15 (1), 18 Jan (MLK Day) skipped, 19-22 (5), 25-29
    # (10), 1-5 Feb (15), 8-12 (20).
    Case("us-foia", "review", "2027-01-14", "2027-02-12"),
    # --- ie-foi: 4 weeks s.13(1); s.2 a week is five weekdays excluding public holidays -----
    # Fri 18 Dec 2026: 21-24 (4), 25 skipped, St Stephen's Day is a Saturday and Ireland has
    # no substitute day, so 28-31 count (8), 1 Jan skipped, 4-8 (13), 11-15 (18), 18-19 (20).
    Case("ie-foi", "response", "2026-12-18", "2027-01-19"),
    # Thu 2 Apr 2026: Good Friday is a working day in Ireland (1), Easter Monday skipped,
    # 7-10 (5), 13-17 (10), 20-24 (15), 27 Apr-1 May (20).
    Case("ie-foi", "response", "2026-04-02", "2026-05-01"),
    # Received Sun 1 Feb 2026: Mon 2 Feb (St Brigid's Day) skipped, 3-6 (4), 9-13 (9),
    # 16-20 (14), 23-27 (19), 2 Mar (20).
    Case("ie-foi", "response", "2026-02-01", "2026-03-02"),
    # Received on a public holiday, Mon 26 Oct 2026: 27-30 (4), 2-6 Nov (9), 9-13 (14),
    # 16-20 (19), 23 (20).
    Case("ie-foi", "response", "2026-10-26", "2026-11-23"),
    # Extension, s.14(1), at most 4 further weeks: from 2 Apr 2026 the 20th is 1 May;
    # 4 May skipped, 5-8 (24), 11-15 (29), 18-22 (34), 25-29 (39), 1 Jun skipped, 2 Jun (40).
    Case("ie-foi", "extended", "2026-04-02", "2026-06-02"),
    # From 18 Dec 2026 the 20th is 19 Jan 2027; 20-22 (23), 25-29 (28), 1 Feb (St Brigid's
    # Day) skipped, 2-5 (32), 8-12 (37), 15-17 (40).
    Case("ie-foi", "extended", "2026-12-18", "2027-02-17"),
    # Internal review, s.21, 3 weeks from Mon 15 Mar 2027: 16 (1), 17 skipped, 18-19 (3),
    # 22-26 (8), 29 (Easter Monday) skipped, 30-31 (10), 1-2 Apr (12), 5-7 (15).
    Case("ie-foi", "review", "2027-03-15", "2027-04-07"),
    # Wed 22 Dec 2027: 23-24 (2), 25 and 26 Dec are a weekend with no day in lieu, 27-31
    # (7), 1 Jan 2028 a Saturday likewise, 3-7 (12), 10-12 (15).
    Case("ie-foi", "review", "2027-12-22", "2028-01-12"),
    # --- au-foi: 30 days s.15(5)(b); Acts Interpretation Act 1901 s.36(2): a last day on a
    # weekend or public holiday in the body's state or territory moves on ---------------------
    # Sat 28 Nov 2026 + 30 = Mon 28 Dec, Boxing Day (observed) in NSW -> Tue 29 Dec.
    Case("au-foi", "response", "2026-11-28", "2026-12-29", subdivision="NSW"),
    # Sun 4 Oct 2026 + 30 = Tue 3 Nov, Melbourne Cup Day in Victoria -> Wed 4 Nov.
    Case("au-foi", "response", "2026-10-04", "2026-11-04", subdivision="VIC"),
    # The same in New South Wales: 3 Nov is a working day there.
    Case("au-foi", "response", "2026-10-04", "2026-11-03", subdivision="NSW"),
    # No state set (the ACT): Wed 4 Mar 2026 + 30 = Fri 3 Apr, Good Friday; Easter Saturday,
    # Sunday and Easter Monday follow -> Tue 7 Apr.
    Case("au-foi", "response", "2026-03-04", "2026-04-07"),
    # Sun 5 Sep 2026 + 30 = Mon 5 Oct, King's Birthday in Queensland -> Tue 6 Oct.
    Case("au-foi", "response", "2026-09-05", "2026-10-06", subdivision="QLD"),
    # The same in Western Australia (King's Birthday was 28 Sep there): Mon 5 Oct.
    Case("au-foi", "response", "2026-09-05", "2026-10-05", subdivision="WA"),
    # Sun 28 Nov 2027 + 30 = Tue 28 Dec; Christmas (Sat) is observed Mon 27 and Boxing Day
    # (Sun) Tue 28 in the ACT -> Wed 29 Dec.
    Case("au-foi", "response", "2027-11-28", "2027-12-29", subdivision="ACT"),
    # Fri 3 Dec 2027 + 30 = Sun 2 Jan 2028; New Year's Day (Sat) is observed Mon 3 Jan in
    # NSW -> Tue 4 Jan.
    Case("au-foi", "response", "2027-12-03", "2028-01-04", subdivision="NSW"),
    # Consultation extension, s.15(6): 60 days. Thu 29 Oct 2026 + 60 = Mon 28 Dec (2 to
    # 31 Oct, 30 to 30 Nov, 28 to 28 Dec), Boxing Day (observed) -> Tue 29 Dec.
    Case("au-foi", "extended", "2026-10-29", "2026-12-29", subdivision="NSW"),
    # Wed 4 Feb 2026 + 60 = Sun 5 Apr (24 to 28 Feb, 31 to 31 Mar, 5 to 5 Apr), Easter
    # Sunday, then Easter Monday -> Tue 7 Apr.
    Case("au-foi", "extended", "2026-02-04", "2026-04-07"),
    # Internal review, s.54C(3), 30 days: Sat 28 Nov 2026 + 30 = Mon 28 Dec, Boxing Day in
    # Tasmania (moved there to the Monday) -> Tue 29 Dec.
    Case("au-foi", "review", "2026-11-28", "2026-12-29", subdivision="TAS"),
    # Sat 7 Feb 2026 + 30 = Mon 9 Mar, Canberra Day in the ACT (no state set) -> Tue 10 Mar.
    Case("au-foi", "review", "2026-02-07", "2026-03-10"),
    # The same in New South Wales: Mon 9 Mar.
    Case("au-foi", "review", "2026-02-07", "2026-03-09", subdivision="NSW"),
    # --- nz-oia: 20 wd s.15(1); s.2 working day -----------------------------------------------
    # Sat 20 Dec 2025: 22-24 (3), 25 Dec to 15 Jan skipped, Fri 16 Jan (4), 19-23 (9) (the
    # Wellington anniversary counts), 26-30 (14) (Auckland's too), 2-5 Feb (18), 6 Feb
    # (Waitangi Day) skipped, 9-10 (20).
    Case("nz-oia", "response", "2025-12-20", "2026-02-10"),
    # Tue 17 Mar 2026: 18-20 (3), 23-27 (8), 30-31 (10), 1-2 Apr (12), Good Friday and Easter
    # Monday skipped, 7-10 (16), 13-16 (20).
    Case("nz-oia", "response", "2026-03-17", "2026-04-16"),
    # Fri 10 Apr 2026: 13-17 (5), 20-24 (10), Anzac Day is a Saturday so Mon 27 Apr is
    # skipped (s.2), 28 Apr-1 May (14), 4-8 (19), 11 (20).
    Case("nz-oia", "response", "2026-04-10", "2026-05-11"),
    # Fri 15 May 2026: 18-22 (5), 25-29 (10), 1 Jun (King's Birthday) skipped, 2-5 (14),
    # 8-12 (19), 15 (20).
    Case("nz-oia", "response", "2026-05-15", "2026-06-15"),
    # Mon 29 Jun 2026: 30 (1), 1-3 Jul (4), 6-9 (8), 10 Jul (Matariki) skipped, 13-17 (13),
    # 20-24 (18), 27-28 (20).
    Case("nz-oia", "response", "2026-06-29", "2026-07-28"),
    # Received Sun 11 Oct 2026: 12-16 (5), 19-23 (10), 26 Oct (Labour Day) skipped, 27-30
    # (14), 2-6 Nov (19), 9 (20).
    Case("nz-oia", "response", "2026-10-11", "2026-11-09"),
    # s.15A(2): "a reasonable period of time having regard to the circumstances": the
    # notice must specify the period; the Act gives no date.
    Case("nz-oia", "extended", "2026-03-17", None),
    Case("nz-oia", "extended", "2025-12-20", None),
    # --- ca-ati: 30 days s.7; Interpretation Act s.26 and s.35; Saturdays per TBS 7.1.1 -------
    # Sat 7 Mar 2026 + 30 = Mon 6 Apr, Easter Monday (s.35(1)) -> Tue 7 Apr.
    Case("ca-ati", "response", "2026-03-07", "2026-04-07"),
    # Mon 1 Jun 2026 + 30 = Wed 1 Jul, Canada Day -> Thu 2 Jul.
    Case("ca-ati", "response", "2026-06-01", "2026-07-02"),
    # Mon 2 Mar 2026 + 30 = Wed 1 Apr, an ordinary day.
    Case("ca-ati", "response", "2026-03-02", "2026-04-01"),
    # Sat 26 Nov 2028 + 30 = Tue 26 Dec: Boxing Day is not on the s.35 list, so a federal
    # body's date stays.
    Case("ca-ati", "response", "2028-11-26", "2028-12-26"),
    # The same for an Ontario body: Boxing Day is a public holiday in Ontario -> Wed 27 Dec.
    Case("ca-ati", "response", "2028-11-26", "2028-12-27", subdivision="ON"),
    # s.35(2): Fri 2 Dec 2022 + 30 = Sun 1 Jan 2023, New Year's Day on a Sunday, so Mon 2 Jan
    # is a holiday too -> Tue 3 Jan.
    Case("ca-ati", "response", "2022-12-02", "2023-01-03"),
    # Sat 17 Jan 2026 + 30 = Mon 16 Feb, Family Day in Ontario -> Tue 17 Feb.
    Case("ca-ati", "response", "2026-01-17", "2026-02-17", subdivision="ON"),
    # The same for a federal body: Family Day is not on the s.35 list -> Mon 16 Feb.
    Case("ca-ati", "response", "2026-01-17", "2026-02-16"),
    # Mon 25 May 2026 + 30 = Wed 24 Jun, Saint-Jean-Baptiste Day in Quebec -> Thu 25 Jun.
    Case("ca-ati", "response", "2026-05-25", "2026-06-25", subdivision="QC"),
    # The same for a federal body: Wed 24 Jun.
    Case("ca-ati", "response", "2026-05-25", "2026-06-24"),
    # Mon 12 Oct 2026 + 30 = Wed 11 Nov, Remembrance Day -> Thu 12 Nov.
    Case("ca-ati", "response", "2026-10-12", "2026-11-12"),
    # Sat 18 Apr 2026 + 30 = Mon 18 May, Victoria Day -> Tue 19 May.
    Case("ca-ati", "response", "2026-04-18", "2026-05-19"),
    # Mon 31 Aug 2026 + 30 = Wed 30 Sep, National Day for Truth and Reconciliation (s.35(1)
    # since 2021) -> Thu 1 Oct.
    Case("ca-ati", "response", "2026-08-31", "2026-10-01"),
    # Sat 12 Sep 2026 + 30 = Mon 12 Oct, Thanksgiving (a proclaimed day of thanksgiving)
    # -> Tue 13 Oct.
    Case("ca-ati", "response", "2026-09-12", "2026-10-13"),
    # s.9(1): "for a reasonable period of time, having regard to the circumstances": the
    # body states the length in its notice; the Act gives no date.
    Case("ca-ati", "extended", "2026-03-02", None),
    Case("ca-ati", "extended", "2026-06-01", None, subdivision="QC"),
]


def _args(case: Case) -> list[str]:
    args = [case.regime, case.received, "--stage", case.stage, "--json"]
    if case.nation:
        args += ["--nation", case.nation]
    if case.subdivision:
        args += ["--subdivision", case.subdivision]
    return args


def test_the_table_is_big_enough_and_covers_every_stage_twice() -> None:
    assert len(CASES) >= 80
    for regime in {case.regime for case in CASES}:
        mine = [case for case in CASES if case.regime == regime]
        assert len(mine) >= 6, regime
        for stage in {case.stage for case in mine}:
            assert len([case for case in mine if case.stage == stage]) >= 2, (regime, stage)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_command_gives_the_statutory_date(case: Case, capsys: pytest.CaptureFixture[str]):
    call_command("deadline", *_args(case))
    payload = json.loads(capsys.readouterr().out)

    assert payload["due"] == case.due
    assert payload["regime"] == case.regime and payload["stage"] == case.stage


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_engine_gives_the_statutory_date(case: Case) -> None:
    found = due_for_stage(
        case.regime,
        date.fromisoformat(case.received),
        case.stage,
        nation=case.nation,
        subdivision=case.subdivision,
    )

    assert found.due == (date.fromisoformat(case.due) if case.due else None)
    assert found.set_by_body is (case.due is None)
