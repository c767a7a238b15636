package recipients

import "strings"

// fullNameHeaders are headers that hold a person's whole name, compared
// lower-cased and without spaces.
var fullNameHeaders = map[string]bool{
	"name": true, "fullname": true, "displayname": true, "contactname": true, "recipientname": true,
	"contact": true, "recipient": true, "customername": true, "clientname": true,
	"姓名": true, "名字": true, "联系人": true, "收件人": true, "客户姓名": true, "客户名称": true, "客户": true,
	"称呼": true, "全名": true,
}

// PersonName returns the columns holding the recipient's name, as the To
// header and the history search use it: one column with the whole name
// (姓名, Name, Full name, 联系人…), else a first-name and a last-name column
// ("First name" + "Last name", in that order), else none. Columns such as
// "File name" or "Company name" are not a person's name.
func (cs Columns) PersonName() []Column {
	var first, last *Column
	for i := range cs {
		h := strings.ToLower(strings.Join(strings.Fields(cs[i].Name), ""))
		switch {
		case fullNameHeaders[h]:
			return []Column{cs[i]}
		case h == "firstname" || h == "givenname" || h == "forename":
			if first == nil {
				first = &cs[i]
			}
		case h == "lastname" || h == "surname" || h == "familyname":
			if last == nil {
				last = &cs[i]
			}
		}
	}
	switch {
	case first != nil && last != nil:
		return []Column{*first, *last}
	case first != nil:
		return []Column{*first}
	}
	return nil
}
