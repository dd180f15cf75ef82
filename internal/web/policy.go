package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// riskCategories are the categories an appetite can narrow: the STRIDE
// categories, privacy and the LINDDUN categories, as models name them.
var riskCategories = slices.Concat(model.STRIDE("").Values(), []string{"privacy"}, model.LINDDUN("").Values())

// reviewFields are the policy's review periods, in the order the form shows them.
var reviewFields = []struct{ Name, Label string }{
	{"sro_review_days", "SRO review of a new version, within days"},
	{"model_review_days", "Model review, every days"},
	{"acceptance_warning_days", "Warn of an acceptance's expiry, days before"},
	{"max_acceptance_days", "Longest acceptance, days"},
}

// policyForm is the policy as the form shows it: every value as text, so
// that a refused value is shown again as it was typed, and the message of
// each refused field by its name.
type policyForm struct {
	Version    string
	Appetite   string
	ByCategory []categoryField
	SLA        []namedValue
	Reviews    []reviewField
	// Bands[l][i] is the severity of likelihood l+1 and impact i+1.
	Bands           [5][5]string
	LikelihoodNames [5]string
	ImpactNames     [5]string
	Tiers           []tierField
	Errors          map[string]string
	// renames maps the posted tiers' names as the form showed them to
	// their new names, for those renamed.
	renames map[string]string
}

type categoryField struct{ Category, Severity string }

type namedValue struct{ Name, Value string }

type reviewField struct{ Name, Label, Value string }

type tierField struct {
	Name, Description, ReviewDays string
	MustModel                     bool
	// Was is the tier's name when the form was shown ("" for a new row):
	// a row whose name changed renames the tier, and its systems with it.
	Was string
}

// newTierRows is how many blank rows the form offers for new tiers.
const newTierRows = 1

func formFromPolicy(p store.Policy) policyForm {
	f := policyForm{Version: strconv.FormatInt(p.Version, 10), Appetite: string(p.Appetite), Errors: map[string]string{},
		LikelihoodNames: p.Matrix.LikelihoodNames, ImpactNames: p.Matrix.ImpactNames}
	cats := slices.Clone(riskCategories)
	for _, c := range slices.Sorted(maps.Keys(p.AppetiteByCategory)) {
		if !slices.Contains(cats, c) {
			cats = append(cats, c) // set through the API: shown so it can be changed
		}
	}
	for _, c := range cats {
		f.ByCategory = append(f.ByCategory, categoryField{c, string(p.AppetiteByCategory[c])})
	}
	for _, s := range severities {
		f.SLA = append(f.SLA, namedValue{string(s), strconv.Itoa(p.SLADays[s])})
	}
	days := map[string]int{"sro_review_days": p.SROReviewDays, "model_review_days": p.ModelReviewDays,
		"acceptance_warning_days": p.AcceptanceWarningDays, "max_acceptance_days": p.MaxAcceptanceDays}
	for _, r := range reviewFields {
		f.Reviews = append(f.Reviews, reviewField{r.Name, r.Label, strconv.Itoa(days[r.Name])})
	}
	for l := range 5 {
		for i := range 5 {
			f.Bands[l][i] = string(p.Matrix.Bands[l][i])
		}
	}
	for _, t := range p.Tiers {
		rd := ""
		if t.ReviewDays > 0 {
			rd = strconv.Itoa(t.ReviewDays)
		}
		f.Tiers = append(f.Tiers, tierField{Name: t.Name, Description: t.Description, ReviewDays: rd, MustModel: t.MustModel, Was: t.Name})
	}
	for range newTierRows {
		f.Tiers = append(f.Tiers, tierField{})
	}
	return f
}

// readPolicyForm reads the posted form over the current policy. Each
// section (category appetites, days, matrix, tiers) is read whole when the
// form posts any of its fields, and left as it is otherwise; a value that is not what its field takes is
// refused next to the field, never adjusted.
func readPolicyForm(r *http.Request, cur store.Policy) (store.Policy, policyForm) {
	p := cur
	f := formFromPolicy(cur)
	f.Version = r.PostFormValue("version")
	bad := func(field, format string, args ...any) {
		if _, ok := f.Errors[field]; !ok {
			f.Errors[field] = fmt.Sprintf(format, args...)
		}
	}
	version, err := strconv.ParseInt(f.Version, 10, 64)
	if err != nil {
		bad("version", "the form's version is missing; reload the page")
	}
	p.Version = version
	severity := func(field, v string, blank bool) model.Severity {
		if v == "" && blank {
			return ""
		}
		if !slices.Contains(severities, model.Severity(v)) {
			bad(field, "%q is not a severity: choose critical, high, medium or low", v)
		}
		return model.Severity(v)
	}
	number := func(field, v string, blank bool) int {
		v = strings.TrimSpace(v)
		if v == "" && blank {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad(field, "%q is not a whole number of days", v)
		}
		return n
	}
	if _, ok := r.PostForm["appetite"]; ok {
		f.Appetite = r.PostFormValue("appetite")
		p.Appetite = severity("appetite", f.Appetite, false)
	}
	if posted(r, "category-") {
		p.AppetiteByCategory = map[string]model.Severity{}
		for n := range f.ByCategory {
			c := &f.ByCategory[n]
			c.Severity = r.PostFormValue("category-" + c.Category)
			if s := severity("appetite_by_category."+c.Category, c.Severity, true); s != "" {
				p.AppetiteByCategory[c.Category] = s
			}
		}
		if len(p.AppetiteByCategory) == 0 {
			p.AppetiteByCategory = nil
		}
	}
	if posted(r, "sla-", "sro_review_days", "model_review_days", "acceptance_warning_days", "max_acceptance_days") {
		p.SLADays = map[model.Severity]int{}
		for n := range f.SLA {
			s := &f.SLA[n]
			s.Value = r.PostFormValue("sla-" + s.Name)
			p.SLADays[model.Severity(s.Name)] = number("sla_days."+s.Name, s.Value, false)
		}
		dst := map[string]*int{"sro_review_days": &p.SROReviewDays, "model_review_days": &p.ModelReviewDays,
			"acceptance_warning_days": &p.AcceptanceWarningDays, "max_acceptance_days": &p.MaxAcceptanceDays}
		for n := range f.Reviews {
			rf := &f.Reviews[n]
			rf.Value = r.PostFormValue(rf.Name)
			*dst[rf.Name] = number(rf.Name, rf.Value, false)
		}
	}
	if posted(r, "band-", "likelihood-", "impact-") {
		for l := range 5 {
			for i := range 5 {
				field := fmt.Sprintf("matrix.bands[%d][%d]", l, i)
				f.Bands[l][i] = r.PostFormValue(fmt.Sprintf("band-%d-%d", l+1, i+1))
				p.Matrix.Bands[l][i] = severity(field, f.Bands[l][i], false)
			}
		}
		for n := range 5 {
			f.LikelihoodNames[n] = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("likelihood-%d", n+1)))
			f.ImpactNames[n] = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("impact-%d", n+1)))
			for _, x := range []struct{ field, v string }{{fmt.Sprintf("matrix.likelihood_names[%d]", n), f.LikelihoodNames[n]},
				{fmt.Sprintf("matrix.impact_names[%d]", n), f.ImpactNames[n]}} {
				if x.v == "" || len(x.v) > 40 {
					bad(x.field, "a level needs a name of 1 to 40 characters")
				}
			}
		}
		p.Matrix.LikelihoodNames, p.Matrix.ImpactNames = f.LikelihoodNames, f.ImpactNames
	}
	if posted(r, "tier-") {
		rows, err := strconv.Atoi(r.PostFormValue("tier-rows"))
		if err != nil || rows < 0 || rows > 100 {
			bad("tiers", "the form's tier rows are missing; reload the page")
			rows = 0
		}
		f.Tiers, p.Tiers = nil, nil
		for n := range rows {
			key := func(s string) string { return fmt.Sprintf("tier-%d-%s", n, s) }
			t := tierField{Name: strings.TrimSpace(r.PostFormValue(key("name"))), Description: strings.TrimSpace(r.PostFormValue(key("description"))),
				ReviewDays: r.PostFormValue(key("review")), MustModel: r.PostFormValue(key("must")) != "",
				Was: r.PostFormValue(key("was"))}
			removed := r.PostFormValue(key("remove")) != ""
			if removed || t.Name == "" && t.Description == "" && strings.TrimSpace(t.ReviewDays) == "" && t.Was == "" {
				continue // removed, or a blank row left blank
			}
			if t.Was != "" && t.Name != t.Was {
				if f.renames == nil {
					f.renames = map[string]string{}
				}
				f.renames[t.Was] = t.Name
			}
			field := fmt.Sprintf("tiers[%d]", len(p.Tiers))
			if t.Name != "" && !validTierName(t.Name) {
				bad(field+".name", "a tier name has 1 to 64 letters, digits, dots, dashes or underscores")
			}
			if len(t.Description) > 500 {
				bad(field+".description", "a description has at most 500 characters")
			}
			f.Tiers = append(f.Tiers, t)
			p.Tiers = append(p.Tiers, store.Tier{Name: t.Name, Description: t.Description, MustModel: t.MustModel,
				ReviewDays: number(field+".review_days", t.ReviewDays, true)})
		}
		for range newTierRows {
			f.Tiers = append(f.Tiers, tierField{})
		}
	}
	return p, f
}

// posted reports whether the form has a field named one of names, or
// starting with one that ends in a dash.
func posted(r *http.Request, names ...string) bool {
	for k := range r.PostForm {
		for _, n := range names {
			if k == n || strings.HasSuffix(n, "-") && strings.HasPrefix(k, n) {
				return true
			}
		}
	}
	return false
}

func validTierName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

type policyPage struct {
	Policy     store.Policy
	Severities []model.Severity
	CanSet     bool
	Form       policyForm
}

func (u *UI) policy(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := p.Check(rbac.ReadPolicy, rbac.Resource{}); err != nil {
		u.failFor(w, r, err)
		return
	}
	pol, err := u.reg.Policy(r.Context())
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "policy", page{Title: "Policy", Data: policyPage{Policy: pol, Severities: severities,
		CanSet: p.Allowed(rbac.SetPolicy, rbac.Resource{}), Form: formFromPolicy(pol)}})
}

// setPolicy saves the CISO's policy form through the register, which
// validates it, checks the form's version and records the change in the
// audit trail. A refused value comes back with the form as posted and the
// message next to the field.
func (u *UI) setPolicy(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := p.Check(rbac.SetPolicy, rbac.Resource{}); err != nil {
		u.failFor(w, r, err)
		return
	}
	if err := form(w, r); err != nil {
		u.failFor(w, r, err)
		return
	}
	cur, err := u.reg.Policy(r.Context())
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	pol, f := readPolicyForm(r, cur)
	if len(f.Errors) == 0 {
		_, err = u.reg.SetPolicyRenamingTiers(r.Context(), actor(p), pol, f.renames)
		var fe *register.FieldError
		var le *register.LooserError
		switch {
		case err == nil:
			http.Redirect(w, r, "/policy?done=policy", http.StatusSeeOther)
			return
		case errors.As(err, &fe):
			vis, verr := u.visibleSystems(r, p)
			if verr != nil {
				u.failFor(w, r, verr)
				return
			}
			f.Errors[fe.Field] = fe.Named(func(id string) bool {
				return slices.ContainsFunc(vis, func(s store.System) bool { return s.ID == id })
			})
		case errors.As(err, &le) && len(le.Rules) == 0:
			for _, l := range le.Loosened {
				f.Errors[l.Key] = fmt.Sprintf("%s is looser than the policy file's %s", l.Model, l.Policy)
			}
		default:
			u.failFor(w, r, err)
			return
		}
	}
	u.render(w, r, http.StatusBadRequest, "policy", page{Title: "Policy",
		Error: "The policy was not saved: correct the fields marked below.",
		Data:  policyPage{Policy: cur, Severities: severities, CanSet: true, Form: f}})
}
