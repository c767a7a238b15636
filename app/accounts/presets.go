package accounts

import "mailroom/app/msg"

// presetTable is the provider data, kept in this one file so that it is easy
// to check and update. Every figure carries its source; a limit left at zero
// means the provider publishes no figure we could cite, and the engine then
// uses its own defaults. Sources were read in 2026; see docs/accounts.md.
// Every listed IMAP server uses implicit TLS on port 993, the IMAPS port of
// RFC 8314 section 7; docs/sentfolder.md explains the copy-to-Sent defaults.
var presetTable = []Preset{
	{
		ID: "gmail", Name: "Gmail", NameZH: "Gmail",
		Domains: []string{"gmail.com", "googlemail.com"},
		// smtp.gmail.com, 465 SSL / 587 TLS:
		// https://support.google.com/mail/answer/7126229
		Host: "smtp.gmail.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.gmail.com, 993 SSL, same page.
		IMAPHost: "imap.gmail.com", IMAPPort: 993, IMAPSecurity: SecurityTLS,
		// Gmail files every message sent through smtp.gmail.com in "Sent
		// Mail" itself: Google's own setup page for other mail programs
		// says "Sent messages are automatically copied to the Gmail/Sent
		// folder if your email client uses SMTP",
		// https://support.google.com/mail/answer/78892 ; also
		// ../shared/notes/providers.md and the WildDuck write-up,
		// https://github.com/nodemailer/wildduck/wiki/Gmail-sending
		SentFiling: SentFiledByServer,
		Limits: Limits{
			// "up to 500 recipients per day" for personal accounts sending
			// from mail clients: https://support.google.com/mail/answer/22839
			PerDay: 500,
			// 25 MB per message: https://support.google.com/mail/answer/6584
			MaxMessageBytes: 25 << 20,
		},
		Note:     msg.T("Sign in with Google (recommended), or turn on 2-Step Verification, create an app password (https://myaccount.google.com/apppasswords) and use it here instead of your Google password. About 500 recipients per day."),
		AuthHint: msg.T("Gmail refuses your normal password here: sign in with Google, or use a 16-letter app password (Google Account → Security → App passwords)."),
		Secret:   SecretAppPassword, SecretHelp: msg.T("Google Account → Security → 2-Step Verification → App passwords (myaccount.google.com/apppasswords)."),
		// SMTP and IMAP accept OAuth 2 access tokens (XOAUTH2):
		// https://developers.google.com/gmail/imap/xoauth2-protocol
		OAuth: OAuthGoogle,
	},
	{
		ID: "google-workspace", Name: "Google Workspace", NameZH: "Google Workspace（企业版 Gmail）",
		// Same server as Gmail: https://support.google.com/mail/answer/7126229
		Host: "smtp.gmail.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.gmail.com, 993 SSL, same page; Sent Mail filed by the
		// server as for Gmail (same SMTP server, same help page:
		// https://support.google.com/mail/answer/78892).
		IMAPHost: "imap.gmail.com", IMAPPort: 993, IMAPSecurity: SecurityTLS,
		SentFiling: SentFiledByServer,
		Limits: Limits{
			// 2,000 messages per user per day (500 during a trial):
			// https://support.google.com/a/answer/166852
			PerDay: 2000,
			// https://support.google.com/mail/answer/6584
			MaxMessageBytes: 25 << 20,
		},
		Note:     msg.T("Sign in with Google (recommended), or use an app password (your administrator must allow 2-Step Verification). 2,000 messages per day per user, 500 during a trial."),
		AuthHint: msg.T("Google Workspace needs Sign in with Google or an app password, and your administrator may have turned off sign-in from mail programs."),
		Secret:   SecretAppPassword, SecretHelp: msg.T("Google Account → Security → 2-Step Verification → App passwords, if your administrator allows them."),
		// XOAUTH2, as for Gmail:
		// https://developers.google.com/gmail/imap/xoauth2-protocol
		OAuth: OAuthGoogle,
	},
	{
		ID: "outlook", Name: "Outlook.com / Hotmail", NameZH: "Outlook.com / Hotmail",
		Domains: []string{"outlook.com", "hotmail.com", "live.com", "msn.com"},
		// smtp-mail.outlook.com, 587, STARTTLS:
		// https://support.microsoft.com/office/d088b986-291d-42b8-9564-9c414e2aa040
		Host: "smtp-mail.outlook.com", Port: 587, Security: SecuritySTARTTLS,
		// Password sign-in ended on 16 September 2024; only OAuth 2 works:
		// https://support.microsoft.com/office/c5d65390-9676-4763-b41f-d7986499a90d
		Auth: AuthXOAUTH2,
		// outlook.office365.com, 993 SSL, same page. Exchange saves messages
		// sent through its SMTP server in Sent Items itself, which is why
		// mail programs skip their own copy: Nextcloud Mail admin manual,
		// "Avoid duplicate sent messages (Exchange / Office 365)",
		// https://docs.nextcloud.com/server/latest/admin_manual/groupware/mail.html
		// Outlook.com mailboxes live on Exchange Online, which saves mail
		// submitted through SMTP AUTH in Sent Items
		// (../shared/notes/providers.md, Microsoft 365 section).
		IMAPHost: "outlook.office365.com", IMAPPort: 993, IMAPSecurity: SecurityTLS,
		SentFiling: SentFiledByServer,
		// Microsoft publishes no fixed daily figure for personal accounts.
		Note:     msg.T("Outlook.com accepts only OAuth 2 sign-in (XOAUTH2) since September 2024: a password no longer works. Press Sign in with Microsoft."),
		AuthHint: msg.T("Outlook.com no longer accepts passwords from mail programs: sign in with Microsoft."),
		// SMTP and IMAP with OAuth 2 (XOAUTH2):
		// https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
		OAuth: OAuthMicrosoft,
	},
	{
		ID: "microsoft365", Name: "Microsoft 365 (Exchange Online)", NameZH: "Microsoft 365（Exchange Online）",
		// smtp.office365.com, 587, STARTTLS:
		// https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365
		Host: "smtp.office365.com", Port: 587, Security: SecuritySTARTTLS, Auth: AuthAuto,
		// outlook.office365.com, 993 SSL: "POP and IMAP email settings for
		// Outlook", https://support.microsoft.com/office/8361e398-8af4-4e97-b147-6c6c4ac95353
		// "Mail sent through SMTP AUTH is saved to Sent Items
		// automatically" (../shared/notes/providers.md, Microsoft 365);
		// the Nextcloud Mail admin manual cited above says the same.
		IMAPHost: "outlook.office365.com", IMAPPort: 993, IMAPSecurity: SecurityTLS,
		SentFiling: SentFiledByServer,
		Limits: Limits{
			// 30 messages per minute, 10,000 recipients per day:
			// https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#sending-limits
			PerMinute: 30,
			PerDay:    10000,
			// Default send size 35 MB, same page, "Message limits".
			MaxMessageBytes: 35 << 20,
			// At most 3 concurrent SMTP AUTH connections per mailbox; a
			// 4th is answered "432 4.3.2 Concurrent connections limit
			// exceeded" (../shared/notes/providers.md, Microsoft 365).
			MaxConnections: 3,
		},
		// Basic AUTH retirement (MC786329, updated January 2026: off by
		// default for existing tenants from the end of December 2026):
		// https://techcommunity.microsoft.com/blog/exchange/exchange-online-to-retire-basic-auth-for-client-submission-smtp-auth/4114750
		Note:     msg.T("30 messages per minute, 10,000 recipients per day. Your administrator must enable SMTP AUTH for your mailbox. Microsoft is retiring password (basic) SMTP AUTH: press Sign in with Microsoft."),
		AuthHint: msg.T("Microsoft 365 may have SMTP AUTH turned off for your mailbox, or no longer accept passwords (basic authentication): ask your administrator, or sign in with Microsoft."),
		// OAuth 2 for SMTP AUTH (XOAUTH2):
		// https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
		OAuth: OAuthMicrosoft,
	},
	{
		ID: "qq", Name: "QQ Mail", NameZH: "QQ 邮箱",
		Domains: []string{"qq.com", "vip.qq.com", "foxmail.com"},
		// smtp.qq.com, 465 SSL (587 STARTTLS also offered); login with an
		// authorisation code: QQ Mail help centre, "什么是授权码,它又是如何设置?"
		// and "如何设置 IMAP/SMTP": https://service.mail.qq.com/
		// QQ publishes no sending limits.
		Host: "smtp.qq.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.qq.com, 993 SSL, same help centre article. Sent filing:
		// UNSURE. Neither QQ's help centre nor providers.md says QQ files
		// messages sent through smtp.qq.com in 已发送; QQ Mail is said to
		// have a setting that does (not verified from here). So Mailroom
		// copies by default, and the note tells the user to turn the copy
		// off if every message shows twice.
		IMAPHost: "imap.qq.com", IMAPPort: 993, IMAPSecurity: SecurityTLS, SentFiling: SentNotFiled,
		// QQ answers an account that sends too fast "550 Connection
		// frequency limited" and refuses it for minutes (postalserver/postal
		// #1010; ../shared/notes/providers.md). A random 30–120 s pause
		// between messages is what desktop bulk senders use for free
		// mailboxes (双翼's default), and keeps under it.
		Limits:   Limits{Delay: freeMailboxDelay},
		Note:     msg.T("In QQ Mail, Settings → Account, turn on the POP3/IMAP/SMTP service and generate an authorisation code (授权码). Use that code here, not your QQ password. Mailroom pauses a random 30–120 seconds between messages: QQ Mail refuses an account that sends fast (“frequency limited”)."),
		AuthHint: msg.T("QQ Mail needs an authorisation code (授权码), not your QQ password: Settings → Account → generate authorisation code."),
		Secret:   SecretAuthCode, SecretHelp: msg.T("QQ Mail on the web: Settings → Account → POP3/IMAP/SMTP service → Generate authorisation code. It is a 16-letter code, not your QQ password."),
	},
	{
		ID: "exmail", Name: "Tencent Exmail (WeCom mail)", NameZH: "腾讯企业邮箱",
		// smtp.exmail.qq.com, 465 SSL; a client-specific password when
		// "secure login" is on: Tencent Exmail help centre (exmail.qq.com →
		// 帮助中心), articles "客户端设置" and "客户端专用密码".
		Host: "smtp.exmail.qq.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.exmail.qq.com, 993 SSL, same "客户端设置" article. Sent
		// filing: UNSURE, as for QQ Mail (nothing in Exmail's help or
		// providers.md); copy on by default.
		IMAPHost: "imap.exmail.qq.com", IMAPPort: 993, IMAPSecurity: SecurityTLS, SentFiling: SentNotFiled,
		Note:     msg.T("Use your full company address as the username. If secure login (安全登录) is on, generate a client-specific password / authorisation code in Settings → Account and use it here."),
		AuthHint: msg.T("Tencent Exmail: with secure login on, the mailbox password is refused; use a client-specific password (客户端专用密码, authorisation code)."),
		Secret:   SecretPassword, SecretHelp: msg.T("Your mailbox password; with secure login on, a client-specific password from Settings → Account."),
	},
	neteasePreset("163", "NetEase 163 Mail", "网易 163 邮箱", "163.com", "smtp.163.com", "imap.163.com"),
	neteasePreset("126", "NetEase 126 Mail", "网易 126 邮箱", "126.com", "smtp.126.com", "imap.126.com"),
	neteasePreset("yeah", "NetEase yeah.net", "网易 yeah.net 邮箱", "yeah.net", "smtp.yeah.net", "imap.yeah.net"),
	{
		ID: "aliyun", Name: "Alibaba Mail (Aliyun, business)", NameZH: "阿里邮箱（企业版）",
		// smtp.qiye.aliyun.com, 465 SSL (25 plain):
		// https://help.aliyun.com/document_detail/36687.html
		Host: "smtp.qiye.aliyun.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.qiye.aliyun.com, 993 SSL, same document. Sent filing:
		// UNSURE (not documented); copy on by default.
		IMAPHost: "imap.qiye.aliyun.com", IMAPPort: 993, IMAPSecurity: SecurityTLS, SentFiling: SentNotFiled,
		Note:     msg.T("Use your full address as the username. If your administrator turned on third-party client passwords (三方客户端安全密码), generate one and use it here."),
		AuthHint: msg.T("Alibaba Mail: third-party clients may be disabled by your administrator, or need a third-party client password (三方客户端安全密码)."),
		Secret:   SecretPassword, SecretHelp: msg.T("Your mailbox password, or the third-party client password if your administrator requires one."),
	},
	{
		ID: "aliyun-personal", Name: "Aliyun Mail (personal)", NameZH: "阿里邮箱（个人版）",
		Domains: []string{"aliyun.com"},
		// smtp.aliyun.com, 465 SSL: Aliyun Mail help, "客户端设置"
		// (https://help.aliyun.com/ , personal mailbox section).
		Host: "smtp.aliyun.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.aliyun.com, 993 SSL, same help section. Sent filing:
		// UNSURE (not documented); copy on by default.
		IMAPHost: "imap.aliyun.com", IMAPPort: 993, IMAPSecurity: SecurityTLS, SentFiling: SentNotFiled,
		Note:     msg.T("Turn on SMTP in the web mail settings (POP3/SMTP/IMAP) first; use your full address as the username."),
		AuthHint: msg.T("Aliyun Mail: check that SMTP is turned on in the web mail settings and that the password is right."),
	},
	{
		ID: "yahoo", Name: "Yahoo Mail", NameZH: "雅虎邮箱",
		Domains: []string{"yahoo.com", "ymail.com", "rocketmail.com"},
		// smtp.mail.yahoo.com, 465 SSL: https://help.yahoo.com/kb/SLN4075.html
		// App passwords: https://help.yahoo.com/kb/SLN15241.html
		// Yahoo publishes no sending limits.
		Host: "smtp.mail.yahoo.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.mail.yahoo.com, 993 SSL: https://help.yahoo.com/kb/SLN4075.html
		// Whether Yahoo files SMTP-sent mail is not documented (nor in
		// providers.md): UNSURE, so the copy is offered but starts off.
		IMAPHost: "imap.mail.yahoo.com", IMAPPort: 993, IMAPSecurity: SecurityTLS,
		SentFiling: SentMaybeFiled,
		Note:       msg.T("Generate an app password (Account security → Generate app password) and use it here."),
		AuthHint:   msg.T("Yahoo Mail needs an app password, not your Yahoo password."),
		Secret:     SecretAppPassword, SecretHelp: msg.T("Yahoo account → Account security → Generate app password."),
	},
	{
		ID: "icloud", Name: "iCloud Mail", NameZH: "iCloud 邮件",
		Domains: []string{"icloud.com", "me.com", "mac.com"},
		// smtp.mail.me.com, 587, STARTTLS: https://support.apple.com/102525
		Host: "smtp.mail.me.com", Port: 587, Security: SecuritySTARTTLS, Auth: AuthAuto,
		// imap.mail.me.com, 993 SSL: https://support.apple.com/102525
		// Whether iCloud files SMTP-sent mail is not documented by Apple;
		// other mail programs report that it does (duplicates in "Sent
		// Messages": kellylford/QuickMail #150). UNSURE: offered, off.
		IMAPHost: "imap.mail.me.com", IMAPPort: 993, IMAPSecurity: SecurityTLS,
		SentFiling: SentMaybeFiled,
		Limits: Limits{
			// 1,000 messages and 1,000 recipients per day, 20 MB per message:
			// https://support.apple.com/102198
			PerDay:          1000,
			MaxMessageBytes: 20 << 20,
		},
		// App-specific passwords: https://support.apple.com/102654
		Note:     msg.T("Create an app-specific password at account.apple.com (Sign-In and Security) and use it here. The username is your full iCloud address. 1,000 messages per day."),
		AuthHint: msg.T("iCloud Mail needs an app-specific password, not your Apple Account password."),
		Secret:   SecretAppPassword, SecretHelp: msg.T("account.apple.com → Sign-In and Security → App-Specific Passwords."),
	},
	{
		ID: "zoho", Name: "Zoho Mail", NameZH: "Zoho 邮箱",
		Domains: []string{"zoho.com", "zohomail.com"},
		// smtp.zoho.com, 465 SSL (smtp.zoho.eu etc. by data centre):
		// https://www.zoho.com/mail/help/zoho-smtp.html
		// Limits depend on the plan; no single figure to cite.
		Host: "smtp.zoho.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.zoho.com, 993 SSL: https://www.zoho.com/mail/help/imap-access.html
		// Zoho is reported to copy SMTP-sent mail into Sent itself
		// (nylas/sync-engine #365), not documented by Zoho: UNSURE, so the
		// copy is offered but starts off.
		IMAPHost: "imap.zoho.com", IMAPPort: 993, IMAPSecurity: SecurityTLS,
		SentFiling: SentMaybeFiled,
		Note:       msg.T("Accounts in the EU or India data centre use smtp.zoho.eu or smtp.zoho.in. With two-factor authentication, use an application-specific password."),
		AuthHint:   msg.T("Zoho Mail: with two-factor authentication on, use an application-specific password; also check the data-centre host (zoho.com / zoho.eu / zoho.in)."),
		Secret:     SecretPassword, SecretHelp: msg.T("Your Zoho password; with two-factor authentication, an application-specific password."),
	},
	{
		ID: "ses", Name: "Amazon SES", NameZH: "Amazon SES",
		// email-smtp.<region>.amazonaws.com, 587 STARTTLS or 465 TLS:
		// https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html
		RegionHost: "email-smtp.{region}.amazonaws.com",
		Host:       "email-smtp.us-east-1.amazonaws.com", Port: 587, Security: SecuritySTARTTLS, Auth: AuthAuto,
		Limits: Limits{
			// Sandbox: 200 messages per 24 hours, 1 message per second:
			// https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html
			PerMinute: 60,
			PerDay:    200,
			// 40 MB per message: https://docs.aws.amazon.com/ses/latest/dg/quotas.html
			MaxMessageBytes: 40 << 20,
		},
		// SMTP credentials: https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html
		Note:     msg.T("Use the SMTP credentials created in the SES console (not your AWS access keys) and the host of your region. The limits shown are the sandbox ones (200 per day, 1 per second): raise them to your account's quota."),
		AuthHint: msg.T("Amazon SES needs the SMTP username and password created in the SES console for this region, not your AWS access keys."),
		Secret:   SecretSMTPPassword, SecretHelp: msg.T("SES console → SMTP settings → Create SMTP credentials: paste the SMTP user name and password it shows."),
		OwnUsername: true,
	},
	{
		ID: "relay", Name: "Other relay service", NameZH: "其他中继服务",
		// Port 587 with STARTTLS is the message submission default: RFC 6409
		// section 3.1 and RFC 3207.
		Port: 587, Security: SecuritySTARTTLS, Auth: AuthAuto,
		Note:     msg.T("For SendGrid, Mailgun, Postmark, a company relay…: enter the host, username and password your provider gives you."),
		AuthHint: msg.T("Check the relay's SMTP username and password (often an API key) in your provider's dashboard."),
		Secret:   SecretPassword, SecretHelp: msg.T("The SMTP password or API key from your provider's dashboard."),
		OwnUsername: true,
	},
	{
		ID: "custom", Name: "Custom", NameZH: "自定义",
		// RFC 6409 section 3.1: submission on port 587.
		Port: 587, Security: SecuritySTARTTLS, Auth: AuthAuto,
		Note: msg.T("Enter your server's settings. Port 465 usually means SSL/TLS, port 587 STARTTLS."),
	},
}

// freeMailboxDelay is the random pause suggested for free Chinese
// mailboxes, in seconds (sender.ParseDelay).
const freeMailboxDelay = "30-120"

// neteasePreset builds the three NetEase mailboxes, which share their rules.
func neteasePreset(id, name, nameZH, domain, host, imapHost string) Preset {
	return Preset{
		ID: id, Name: name, NameZH: nameZH,
		Domains: []string{domain},
		// smtp.<domain>, 465 SSL, login with an authorisation code: NetEase
		// mail help centre, "什么是客户端授权码" and "客户端设置",
		// https://help.mail.163.com/ . NetEase publishes no sending limits.
		Host: host, Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		// imap.<domain>, 993 SSL, same help centre ("客户端设置"). Sent
		// filing: UNSURE. NetEase does not document it and providers.md
		// has nothing; one report has NetEase's enterprise mail
		// (qiye.163.com, not these mailboxes) keeping its own copy
		// (pimalaya/himalaya #660). Copy on by default; the note says to
		// turn it off if every message shows twice.
		IMAPHost: imapHost, IMAPPort: 993, IMAPSecurity: SecurityTLS, SentFiling: SentNotFiled,
		// NetEase refuses a sender that sent a lot in a short time
		// ("421 HL:IFC", "451 MI:SFQ") and judges bulk-looking mail as spam
		// ("554 DT:SPM"): NetEase's 退信代码说明 (help.mail.163.com; see
		// docs/sender.md). The same random pause as for QQ Mail.
		Limits:   Limits{Delay: freeMailboxDelay},
		Note:     msg.T("In web mail, Settings → POP3/SMTP/IMAP, turn on the SMTP service and create an authorisation code (授权码). Use that code here, not your mailbox password. Mailroom pauses a random 30–120 seconds between messages: NetEase refuses senders that send many messages in a short time."),
		AuthHint: msg.T("NetEase mail needs an authorisation code (授权码), not your mailbox password: Settings → POP3/SMTP/IMAP → add authorisation code."),
		Secret:   SecretAuthCode, SecretHelp: msg.T("Web mail: Settings → POP3/SMTP/IMAP → turn on the SMTP service → add authorisation code. Use that code, not your mailbox password."),
	}
}
