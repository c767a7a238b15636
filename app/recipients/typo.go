package recipients

import "strings"

// majorDomains are the mailbox providers most recipients use; a domain
// one edit away from one of them is almost always a typo.
var majorDomains = []string{
	"gmail.com", "qq.com", "163.com", "126.com", "hotmail.com", "outlook.com", "yahoo.com",
	"icloud.com", "foxmail.com", "sina.com", "sohu.com", "aliyun.com", "139.com", "live.com",
	"msn.com", "yeah.net", "protonmail.com", "googlemail.com",
}

// realDomains are genuine mail domains close to a major one; they must not
// be flagged ("mail.com" is one edit from "gmail.com").
var realDomains = map[string]bool{
	"mail.com": true, "gmx.com": true, "ymail.com": true, "me.com": true, "mac.com": true,
	"sina.cn": true, "163.net": true, "188.com": true, "189.cn": true, "live.cn": true,
	"vip.qq.com": true, "vip.163.com": true, "vip.126.com": true, "yahoo.co.jp": true,
	"hotmail.co.uk": true, "hotmail.fr": true, "outlook.fr": true, "yahoo.fr": true, "live.co.uk": true,
	"email.com": true, "inbox.com": true, "gmx.de": true, "web.de": true, "aol.com": true,
	"tom.com": true, "263.net": true, "21cn.com": true, "wo.cn": true,
}

// knownTypos are frequent misspellings more than one edit away.
var knownTypos = map[string]string{
	"gmial.con": "gmail.com", "gamil.con": "gmail.com", "hotmial.con": "hotmail.com",
	"qq.comm": "qq.com", "163.comm": "163.com", "gmail.comm": "gmail.com",
	"outlok.con": "outlook.com", "yahoo.com.cm": "yahoo.com", "qqq.con": "qq.com",
}

// SuggestDomain returns the provider domain the user probably meant when
// domain looks like a typo of a big provider ("gmial.com" → "gmail.com",
// "qq.con" → "qq.com"), or "" when it looks fine.
func SuggestDomain(domain string) string {
	d := strings.ToLower(strings.TrimSpace(domain))
	if realDomains[d] {
		return ""
	}
	if s, ok := knownTypos[d]; ok {
		return s
	}
	best := ""
	for _, m := range majorDomains {
		if m == d {
			return ""
		}
		if best == "" && editDistanceAtMostOne(d, m) {
			best = m
		}
	}
	return best
}

// editDistanceAtMostOne reports whether a becomes b by one insertion,
// deletion, substitution or swap of neighbours ("gmial" → "gmail").
func editDistanceAtMostOne(a, b string) bool {
	if a == b {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // substitution
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	}
	return string(ra[i:]) == string(rb[i+1:]) // insertion
}
