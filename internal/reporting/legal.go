package reporting

import (
	"time"
	// The zone database is embedded: a minimal container image has none,
	// and the legal deadline needs the Member State's zone.
	_ "time/tzdata"
)

// Calendar is the calendar of the place where a report is due, for the
// legal deadline under Regulation 1182/71 (docs/reporting.md has the
// reading). The zero Calendar is UTC with weekends and no public holidays.
type Calendar struct {
	// Location is the time zone of the coordinating CSIRT's Member State.
	Location *time.Location
	// Holidays are the public holidays there, as "2006-01-02" dates.
	Holidays map[string]bool
}

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// WorkingDay reports whether the date of t (in the calendar's zone) is
// neither a Saturday, a Sunday nor a public holiday (Art. 2(2)).
func (c Calendar) WorkingDay(t time.Time) bool {
	t = t.In(c.loc())
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !c.Holidays[t.Format(time.DateOnly)]
}

// AfterHours is the legal end of a period of n hours from the moment at:
// the hour in which at falls is not counted (Art. 3(1)); the period starts
// at the beginning of the next hour and ends with the expiry of its last
// hour (Art. 3(2)(a)). Periods in hours are not extended to a working day
// (Art. 3(4) concerns periods expressed otherwise than in hours). Hours
// are counted in elapsed time, so a daylight-saving change in between
// does not move the end.
func (c Calendar) AfterHours(at time.Time, n int) time.Time {
	// Whole hours of the local clock: truncating in UTC would be wrong only
	// in zones with a fractional offset, so truncate in the local zone.
	l := at.In(c.loc())
	start := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), 0, 0, 0, l.Location()).Add(time.Hour)
	return start.Add(time.Duration(n) * time.Hour).UTC()
}

// AfterDays is the legal end of a period of n days from the moment at: the
// day of at is not counted (Art. 3(1)), the period ends with the expiry of
// the last hour of its last day (Art. 3(2)(b)), and a last day that is not
// a working day moves to the end of the next working day (Art. 3(4)).
func (c Calendar) AfterDays(at time.Time, n int) time.Time {
	l := at.In(c.loc())
	last := time.Date(l.Year(), l.Month(), l.Day()+n, 12, 0, 0, 0, l.Location())
	return c.endOfDayOrNextWorking(last)
}

// AfterMonths is the legal end of a period of n months from the moment
// at: it ends with the expiry of the last hour of the day of the last month
// that has the same date as the day of at, or of that month's last day
// when it has no such date (Art. 3(2)(c)), moved to the end of the next
// working day when that day is not one (Art. 3(4)).
func (c Calendar) AfterMonths(at time.Time, n int) time.Time {
	l := at.In(c.loc())
	noon := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, l.Location())
	return c.endOfDayOrNextWorking(AddMonths(noon, n))
}

// endOfDayOrNextWorking returns midnight at the end of d's date (d is at
// noon, away from any daylight-saving change), or of the first working
// day after it.
func (c Calendar) endOfDayOrNextWorking(d time.Time) time.Time {
	for !c.WorkingDay(d) {
		d = time.Date(d.Year(), d.Month(), d.Day()+1, 12, 0, 0, 0, d.Location())
	}
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, d.Location()).UTC()
}

// memberStateZones maps each EU Member State (ISO 3166-1 alpha-2, Greece
// as EL as the EU writes it, GR accepted too) to its capital's time zone.
var memberStateZones = map[string]string{
	"AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia", "HR": "Europe/Zagreb",
	"CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn",
	"FI": "Europe/Helsinki", "FR": "Europe/Paris", "DE": "Europe/Berlin", "EL": "Europe/Athens",
	"GR": "Europe/Athens", "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IT": "Europe/Rome",
	"LV": "Europe/Riga", "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg", "MT": "Europe/Malta",
	"NL": "Europe/Amsterdam", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon", "RO": "Europe/Bucharest",
	"SK": "Europe/Bratislava", "SI": "Europe/Ljubljana", "ES": "Europe/Madrid", "SE": "Europe/Stockholm",
}

// MemberState reports whether code is an EU Member State code.
func MemberState(code string) bool {
	_, ok := memberStateZones[code]
	return ok
}

// MemberStateCalendar returns the calendar of a Member State (its
// capital's zone, no public holidays: add them to Holidays), or the UTC
// calendar when code is empty or unknown or the zone database lacks it.
func MemberStateCalendar(code string) Calendar {
	name, ok := memberStateZones[code]
	if !ok {
		return Calendar{}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Calendar{}
	}
	return Calendar{Location: loc}
}
