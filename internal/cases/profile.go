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
	"github.com/rocca-project/rocca/internal/msg"
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
	// Notes are the warnings' codes and arguments, for translation, in
	// the same order.
	Notes []msg.Text `json:"-"`
}

// viewOf is the view of p with its warnings and the extra ones.
func viewOf(p model.ReportingProfile, extra ...msg.Text) ProfileView {
	notes := append(warnings(p), extra...)
	v := ProfileView{ReportingProfile: p, Warnings: make([]string, len(notes)), Notes: notes}
	for i, n := range notes {
		v.Warnings[i] = n.English
	}
	return v
}

// Profile returns org's reporting profile.
func (s *Service) Profile(ctx context.Context, org string) (ProfileView, error) {
	p, err := s.store.ReportingProfile(ctx, org)
	if err != nil {
		return ProfileView{}, err
	}
	return viewOf(p), nil
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
	var extra []msg.Text
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
				extra = append(extra, msg.New("profile.contacts_no_mail", "the reporting contacts get no e-mail: %s", err.Error()))
			}
			p.ContactsSubscription = id
		}
	}
	if err := s.store.PutReportingProfile(ctx, org, &p); err != nil {
		return ProfileView{}, err
	}
	return viewOf(p, extra...), nil
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
	state, why := RouteReason(main, r)
	return state, why.English
}

// RouteReason is Route with the reason's code and arguments, for
// translation. The reason is a function of the answers, so an interface
// derives the code of a stored profile's reason from its stored answers.
func RouteReason(main string, r model.Routing) (string, msg.Text) {
	switch {
	case main != "":
		return main, msg.New("route.main", "main establishment in the EU is in %s (Art. 14(7), first subparagraph)", main)
	case r.AuthorisedRepresentative != "":
		return r.AuthorisedRepresentative, msg.New("route.representative", "no main establishment in the EU; the authorised representative is established in %s", r.AuthorisedRepresentative)
	case r.Importer != "":
		return r.Importer, msg.New("route.importer", "no main establishment or authorised representative in the EU; the importer placing most products is in %s", r.Importer)
	case r.Distributor != "":
		return r.Distributor, msg.New("route.distributor", "no main establishment, authorised representative or importer; the distributor making most products available is in %s", r.Distributor)
	case r.MostUsers != "":
		return r.MostUsers, msg.New("route.most_users", "none of the above; most users are in %s", r.MostUsers)
	}
	return "", msg.New("route.none", "no routing answer given: set the main establishment (or the routing questions)")
}

// CSIRTName names the coordinating CSIRT of a Member State.
func CSIRTName(code string) string { return CSIRTNameText(code).English }

// CSIRTNameText is CSIRTName with its code and arguments, for translation.
func CSIRTNameText(code string) msg.Text {
	switch code {
	case "":
		return msg.Text{}
	case "IT":
		return msg.New("csirt.it", "CSIRT Italia (ACN)")
	}
	return msg.New("csirt.designated", "the CSIRT designated as coordinator of %s", code)
}

func warnings(p model.ReportingProfile) []msg.Text {
	w := []msg.Text{}
	if p.LegalName == "" {
		w = append(w, msg.New("profile.no_legal_name", "legal manufacturer name not set: drafts use the organisation's name"))
	}
	if p.CSIRTState == "" {
		w = append(w, msg.New("profile.no_csirt", "no coordinating CSIRT: answer the routing questions (a wrong CSIRT can invalidate a notification)"))
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
			w = append(w, msg.New("profile.cap_reached", "%s is not verified and has filed %d notifications: the SRP's cap of %d for unverified representatives is reached", r.Name, r.Notifications, unverifiedCap))
		case r.Notifications >= warnAt:
			w = append(w, msg.New("profile.cap_near", "%s is not verified and has filed %d of the %d notifications an unverified representative may file: ask the coordinating CSIRT to verify", r.Name, r.Notifications, unverifiedCap))
		}
	}
	if !primary {
		w = append(w, msg.New("profile.no_primary", "no primary SRP representative"))
	}
	if len(p.ReportingContacts) == 0 {
		w = append(w, msg.New("profile.no_contacts", "no reporting contacts: deadline reminders reach only the case owner and the notification subscriptions"))
	}
	return w
}
