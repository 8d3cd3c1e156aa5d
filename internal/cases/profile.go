package cases

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/reporting"
)

// Representative caps of the SRP.
const (
	maxSecondaries = 20
	// unverifiedCap is the number of notifications an unverified
	// representative may file; warnAt warns before it is reached.
	unverifiedCap = 20
	warnAt        = 15
)

// ProfileView is a reporting profile with the warnings it raises.
type ProfileView struct {
	model.ReportingProfile
	Warnings []string `json:"warnings"`
}

// Profile returns org's reporting profile.
func (s *Service) Profile(ctx context.Context, org string) (ProfileView, error) {
	p, err := s.store.ReportingProfile(ctx, org)
	if err != nil {
		return ProfileView{}, err
	}
	return ProfileView{ReportingProfile: p, Warnings: warnings(p)}, nil
}

// SaveProfile validates and saves org's reporting profile; the
// coordinating CSIRT is chosen by the Art. 14(7) routing rules from the
// main establishment and the routing answers, and the reason recorded.
func (s *Service) SaveProfile(ctx context.Context, org string, p model.ReportingProfile) (ProfileView, error) {
	p.LegalName = strings.TrimSpace(p.LegalName)
	if n := utf8.RuneCountInString(p.LegalName); n > 255 {
		return ProfileView{}, inputf("cases.legal_name_long", "legalName: at most 255 characters")
	}
	for name, code := range map[string]*string{"mainEstablishment": &p.MainEstablishment,
		"routing.authorisedRepresentative": &p.Routing.AuthorisedRepresentative, "routing.importer": &p.Routing.Importer,
		"routing.distributor": &p.Routing.Distributor, "routing.mostUsers": &p.Routing.MostUsers} {
		*code = strings.ToUpper(strings.TrimSpace(*code))
		if *code != "" && !reporting.MemberState(*code) {
			return ProfileView{}, inputf("cases.member_state", "%s: %q is not an EU Member State code (e.g. IT, DE, FR)", name, *code)
		}
	}
	primaries, secondaries := 0, 0
	for i := range p.Representatives {
		r := &p.Representatives[i]
		r.Name, r.Email = strings.TrimSpace(r.Name), strings.TrimSpace(r.Email)
		if r.Name == "" {
			return ProfileView{}, inputf("cases.rep_name_required", "representatives[%d].name: required", i)
		}
		if _, err := mail.ParseAddress(r.Email); err != nil || strings.ContainsAny(r.Email, " <>") {
			return ProfileView{}, inputf("cases.rep_email", "representatives[%d].email: %q is not an e-mail address", i, r.Email)
		}
		if r.Notifications < 0 {
			return ProfileView{}, inputf("cases.rep_notifications", "representatives[%d].notifications: negative", i)
		}
		switch r.Role {
		case "primary":
			primaries++
		case "secondary":
			secondaries++
		default:
			return ProfileView{}, inputf("cases.rep_role", "representatives[%d].role: %q is not primary or secondary", i, r.Role)
		}
	}
	if primaries > 1 {
		return ProfileView{}, inputf("cases.rep_primaries", "representatives: the SRP has one primary representative per manufacturer, not %d", primaries)
	}
	if secondaries > maxSecondaries {
		return ProfileView{}, inputf("cases.rep_secondaries", "representatives: the SRP allows up to %d secondary representatives, not %d", maxSecondaries, secondaries)
	}
	for i, c := range p.ReportingContacts {
		c = strings.TrimSpace(c)
		if _, err := mail.ParseAddress(c); err != nil || strings.ContainsAny(c, " <>,") {
			return ProfileView{}, inputf("cases.contact_email", "reportingContacts[%d]: %q is not an e-mail address", i, c)
		}
		p.ReportingContacts[i] = c
	}
	switch p.Locale = strings.TrimSpace(p.Locale); p.Locale {
	case "", "en", "it":
	default:
		return ProfileView{}, inputf("cases.locale", "locale: %q is not a language of e-mails: en or it", p.Locale)
	}
	for i, h := range p.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			return ProfileView{}, inputf("cases.holiday", "holidays[%d]: %q is not a date YYYY-MM-DD", i, h)
		}
	}
	p.CSIRTState, p.CSIRTReason = Route(p.MainEstablishment, p.Routing)
	p.CSIRTName = CSIRTName(p.CSIRTState)
	p.Updated = s.Now()
	old, err := s.store.ReportingProfile(ctx, org)
	if err != nil {
		return ProfileView{}, err
	}
	p.ContactsSubscription = old.ContactsSubscription
	var extra []string
	if s.contacts != nil && (!slices.Equal(old.ReportingContacts, p.ReportingContacts) || mailLocale(old.Locale) != mailLocale(p.Locale) ||
		(old.ContactsSubscription == "" && len(p.ReportingContacts) > 0)) {
		if old.ContactsSubscription != "" {
			if err := s.contacts.Unsubscribe(ctx, org, old.ContactsSubscription); err != nil {
				return ProfileView{}, fmt.Errorf("reporting contacts' subscription: %w", err)
			}
			p.ContactsSubscription = ""
		}
		if len(p.ReportingContacts) > 0 {
			id, err := s.contacts.Subscribe(ctx, org, p.ReportingContacts, EventTypes, p.Locale)
			if err != nil {
				// E-mail not configured, say: the profile is saved all the same.
				extra = append(extra, "the reporting contacts get no e-mail: "+err.Error())
			}
			p.ContactsSubscription = id
		}
	}
	if err := s.store.PutReportingProfile(ctx, org, &p); err != nil {
		return ProfileView{}, err
	}
	return ProfileView{ReportingProfile: p, Warnings: append(warnings(p), extra...)}, nil
}

// mailLocale is the language of the reporting contacts' e-mails: "" is
// English.
func mailLocale(l string) string {
	if l == "" {
		return "en"
	}
	return l
}

// Route chooses the coordinating CSIRT's Member State by the Art. 14(7)
// rules: the main establishment's; without one, in order, the authorised
// representative's, the importer's (most products placed), the
// distributor's (most products made available), the Member State with
// the most users. It returns the state and the reason.
func Route(main string, r model.Routing) (string, string) {
	steps := []struct{ code, why string }{
		{main, "main establishment in the EU is in %s (Art. 14(7), first subparagraph)"},
		{r.AuthorisedRepresentative, "no main establishment in the EU; the authorised representative is established in %s"},
		{r.Importer, "no main establishment or authorised representative in the EU; the importer placing most products is in %s"},
		{r.Distributor, "no main establishment, authorised representative or importer; the distributor making most products available is in %s"},
		{r.MostUsers, "none of the above; most users are in %s"},
	}
	for _, st := range steps {
		if st.code != "" {
			return st.code, fmt.Sprintf(st.why, st.code)
		}
	}
	return "", "no routing answer given: set the main establishment (or the routing questions)"
}

// CSIRTName names the coordinating CSIRT of a Member State.
func CSIRTName(code string) string {
	switch code {
	case "":
		return ""
	case "IT":
		return "CSIRT Italia (ACN)"
	}
	return "the CSIRT designated as coordinator of " + code
}

func warnings(p model.ReportingProfile) []string {
	w := []string{}
	if p.LegalName == "" {
		w = append(w, "legal manufacturer name not set: drafts use the organisation's name")
	}
	if p.CSIRTState == "" {
		w = append(w, "no coordinating CSIRT: answer the routing questions (a wrong CSIRT can invalidate a notification)")
	}
	primary := false
	for _, r := range p.Representatives {
		if r.Role == "primary" {
			primary = true
		}
		if r.Verified {
			continue
		}
		switch {
		case r.Notifications >= unverifiedCap:
			w = append(w, fmt.Sprintf("%s is not verified and has filed %d notifications: the SRP's cap of %d for unverified representatives is reached", r.Name, r.Notifications, unverifiedCap))
		case r.Notifications >= warnAt:
			w = append(w, fmt.Sprintf("%s is not verified and has filed %d of the %d notifications an unverified representative may file: ask the coordinating CSIRT to verify", r.Name, r.Notifications, unverifiedCap))
		}
	}
	if !primary {
		w = append(w, "no primary SRP representative")
	}
	if len(p.ReportingContacts) == 0 {
		w = append(w, "no reporting contacts: deadline reminders reach only the case owner and the notification subscriptions")
	}
	return w
}
