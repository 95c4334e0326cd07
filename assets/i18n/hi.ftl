# iccc-desk — हिन्दी। यहाँ की हर कुंजी en.ftl में भी होनी चाहिए (एक यूनिट टेस्ट जाँचता है)।

## स्वामी श्रेणियाँ
owner-government-office = सरकारी कार्यालय
owner-hotel = होटल
owner-coaching-school = कोचिंग संस्थान / विद्यालय
owner-hospital-clinic = अस्पताल / क्लिनिक
owner-industrial-unit = औद्योगिक इकाई
owner-commercial = व्यावसायिक प्रतिष्ठान
owner-public-place = सार्वजनिक स्थान
owner-toll-plaza = टोल प्लाज़ा
owner-jail = जेल
owner-police = पुलिस

## प्राथमिकता
priority-none = कोई नहीं
priority-black-spot = ब्लैक स्पॉट
priority-toll-plaza = टोल प्लाज़ा
priority-jail = जेल
priority-public-place = सार्वजनिक स्थान

## कवरेज की कमी: प्राथमिकता स्थान पर कोई चालू कैमरा क्यों नहीं
coverage-gap-no-camera-near = पास में कोई कैमरा नहीं
coverage-gap-near-but-not-integrated = पास में कैमरे हैं, जुड़े नहीं
coverage-gap-integrated-but-offline = जुड़ा कैमरा बंद है
coverage-gap-pointed-away = जुड़े कैमरे दूसरी ओर हैं

## निगरानी क्षेत्र
area-entrance = प्रवेश द्वार
area-lobby = लॉबी
area-parking = पार्किंग
area-gate = गेट
area-road-frontage = सड़क की ओर
area-corridor = गलियारा
area-room = कमरा (निजी)
area-ward = अस्पताल वार्ड (निजी)
area-classroom = कक्षा (निजी)
area-cabin = केबिन (निजी)

## एकीकरण चरण
stage-surveyed = सर्वेक्षित
stage-owner-contacted = स्वामी से संपर्क
stage-consent-given = सहमति प्राप्त
stage-configured = कॉन्फ़िगर
stage-integrated = एकीकृत
stage-blocked = रुका हुआ
stage-rejected = अस्वीकृत

## रुकावट के कारण
reason-owner-not-reachable = स्वामी से संपर्क नहीं हो पा रहा
reason-consent-refused = सहमति से इनकार
reason-no-uplink = इंटरनेट / स्टैटिक IP नहीं
reason-nvr-not-compatible = NVR संगत नहीं
reason-bandwidth = बैंडविड्थ
reason-password-unknown = पासवर्ड अज्ञात
reason-other = अन्य

## फ़ील्ड
field-name-en = नाम (अंग्रेज़ी)
field-name-hi = नाम (हिन्दी)
field-contact-person = स्वामी / संपर्क व्यक्ति
field-phone = फ़ोन
field-address = पता
field-ward = वार्ड
field-police-station = थाना
field-latitude = अक्षांश
field-longitude = देशांतर
field-priority-radius = प्राथमिकता त्रिज्या (मी)
field-notes = टिप्पणी
field-label = कैमरे का नाम
field-area-watched = निगरानी क्षेत्र
field-bearing = दिशा (°)
field-fov = दृष्टि कोण (°)
field-range = दूरी (मी)
field-nvr-host = NVR/DVR पता
field-nvr-channel = NVR चैनल
field-make = निर्माता
field-model = मॉडल
field-stream-url = स्ट्रीम URL (rtsp://)
field-snapshot-url = स्नैपशॉट URL (http://)
field-username = यूज़रनेम
field-password = पासवर्ड
field-stage = चरण

## फ़ील्ड की समस्याएँ
err-required = यह फ़ील्ड आवश्यक है।
err-too-long = बहुत लंबा: अधिकतम { $max } अक्षर।
err-not-a-number = "{ $text }" संख्या नहीं है।
err-out-of-range = { $min } और { $max } के बीच होना चाहिए।
err-outside-india = यह बिंदु भारत के बाहर है; अक्षांश और देशांतर जाँचें।
err-looks-swapped = अक्षांश और देशांतर उलटे लगते हैं: उलटने पर बिंदु भारत में आता है।
err-zero-zero = (0, 0) वास्तविक स्थान नहीं है; कैमरे के निर्देशांक भरें।
err-bad-phone = भारतीय फ़ोन नंबर नहीं है (10 अंक, +91 या 0 के साथ भी, या STD कोड और नंबर)।
err-bad-url = मान्य पता नहीं: { $detail }।
err-wrong-scheme = { $expected } से शुरू होना चाहिए, { $found }:// से नहीं।
err-credentials-in-url = URL में यूज़रनेम या पासवर्ड न लिखें; यूज़रनेम और पासवर्ड फ़ील्ड का उपयोग करें।
err-duplicate-stream-url = यह स्ट्रीम URL पहले से { $camera } में उपयोग हो रहा है।
err-duplicate-nvr-channel = यह NVR और चैनल पहले से { $camera } में उपयोग हो रहे हैं।
err-private-area-in-use = "{ $stage }" चरण का कैमरा निजी क्षेत्र नहीं देख सकता; पहले उसे अस्वीकृत करें।

## चरण बदलने की समस्याएँ
stage-err-already-there = कैमरा पहले से इसी चरण में है।
stage-err-private-area = यह कैमरा निजी क्षेत्र देखता है: इसे केवल अस्वीकृत किया जा सकता है, कभी एकीकृत नहीं।
stage-err-reject-common = केवल निजी क्षेत्र देखने वाले कैमरे अस्वीकृत होते हैं; इसे कारण सहित रोकें।
stage-err-not-allowed = वर्तमान चरण से यह चरण नहीं चुना जा सकता।
stage-err-reason-needed = कैमरा रोकने का कारण चुनें।
stage-err-note-needed = टिप्पणी में लिखें कि अन्य कारण क्या है।
stage-err-stream-needed = कॉन्फ़िगर या एकीकृत करने से पहले स्ट्रीम URL (या NVR और चैनल) भरें।

## डेस्क
app-subtitle = ICCC कैमरा रजिस्टर
window-title = iccc-desk — ICCC कैमरा रजिस्टर — { $file }
window-title-demo = iccc-desk — ICCC कैमरा रजिस्टर — { $file } (डेमो डेटा)
nav-registry = स्थल और कैमरे
nav-audit = ऑडिट लॉग
nav-language = भाषा
demo-badge = डेमो डेटा
demo-form-note = यह डेमो रजिस्टर है: अभ्यास के लिए काल्पनिक डेटा।
status-counts = { $sites } स्थल · { $cameras } कैमरे · { $integrated } एकीकृत
status-passwords-lost = { $count } कैमरों के पासवर्ड फिर से भरने होंगे: इस रजिस्टर की पासवर्ड कुंजी इस मशीन पर नहीं मिली।
status-registry-path = उपयोग में रजिस्टर फ़ाइल
status-load-ms = { $ms } ms में खुला
status-saved = सहेजा गया।
status-simulating = डेमो कैमरे लूपबैक पर सिम्युलेटर से उत्तर दे रहे हैं: { $cameras } (फ़ाइल सीमा के कारण { $left } छोड़े गए)
status-simulator-failed = डेमो कैमरे सिम्युलेट नहीं हो रहे: { $error }
registry-opening = रजिस्टर खुल रहा है…
registry-open-failed = रजिस्टर नहीं खुल सका
task-demo = डेमो रजिस्टर लिखा जा रहा है…
quit-unsaved-title = बिना सहेजे बदलाव
quit-unsaved-body = एक फ़ॉर्म में बदलाव सहेजे नहीं गए हैं। डेस्क बंद करें और उन्हें खो दें?
quit-keep-editing = संपादन जारी रखें
quit-discard-and-close = छोड़ें और बंद करें

## खाली रजिस्टर
empty-title = यह रजिस्टर खाली है
empty-body = पहला स्थल जोड़ें, या अभ्यास के लिए झाँसी का डेमो रजिस्टर लोड करें।
empty-load-demo = डेमो रजिस्टर लोड करें ({ $cameras } कैमरे)
empty-load-demo-hint = काल्पनिक झाँसी स्थल और कैमरे, हर जगह डेमो डेटा के रूप में चिह्नित।

## रजिस्टर तालिका
table-mode-cameras = कैमरे
table-mode-sites = स्थल
filter-search = खोजें
filter-search-hint = अंग्रेज़ी या हिन्दी में नाम, स्वामी, फ़ोन…
filter-category = श्रेणी
filter-any = कोई भी
filter-clear = फ़िल्टर हटाएँ
table-showing = { $total } में से { $shown } दिख रहे हैं
table-sort-hint = क्रमबद्ध करने के लिए क्लिक करें; उलटने के लिए फिर क्लिक करें।
table-filtering = फ़िल्टर हो रहा है…
table-no-match = इन फ़िल्टरों से कुछ नहीं मिला। कोई फ़िल्टर हटाएँ या खोज बदलें।
col-site = स्थल
col-camera = कैमरा
col-category = स्वामी श्रेणी
col-stage = चरण
col-area = निगरानी क्षेत्र
col-ward = वार्ड
col-police-station = थाना
col-updated = अंतिम बदलाव
col-priority = प्राथमिकता
col-cameras = कैमरे
col-integrated = एकीकृत

## विवरण
details-none = विवरण देखने के लिए तालिका में कोई स्थल या कैमरा चुनें।
details-cameras = कैमरे ({ $count })
details-location = स्थान
details-updated = अंतिम बदलाव
details-history = चरण इतिहास
details-blocked-because = रुका हुआ: { $reason }
password-state-none = कोई पासवर्ड नहीं
password-state-stored = सहेजा गया (एन्क्रिप्टेड)
password-state-reenter = फिर से भरना होगा (कुंजी खो गई)
action-add-site = स्थल जोड़ें
action-edit-site = स्थल संपादित करें
action-add-camera = कैमरा जोड़ें
action-edit-camera = कैमरा संपादित करें
action-change-stage = चरण बदलें

## फ़ॉर्म
site-form-add-title = नया स्थल
site-form-edit-title = स्थल संपादित करें
site-owner-category = स्वामी श्रेणी
site-priority = प्राथमिकता
camera-form-add-title = नया कैमरा
camera-form-edit-title = कैमरा संपादित करें
camera-kind = कैमरे का प्रकार
camera-kind-ip = IP कैमरा
camera-kind-analogue = एनालॉग (NVR/DVR द्वारा)
camera-private-area-warning = निजी क्षेत्र: यह कैमरा दर्ज होगा पर कभी एकीकृत नहीं हो सकता।
camera-password-keep-hint = सहेजा गया — रखने के लिए खाली छोड़ें
camera-password-reenter-hint = कुंजी खो गई — पासवर्ड फिर से लिखें
camera-password-none-hint = कोई पासवर्ड नहीं
camera-password-clear = सहेजा गया पासवर्ड हटाएँ
form-save = सहेजें
form-save-hint = Enter
form-cancel = रद्द करें
form-cancel-hint = Esc
form-saving = सहेजा जा रहा है…
form-fix-fields = सहेजा नहीं गया: लाल रंग में चिह्नित फ़ील्ड ठीक करें।
form-conflict = सहेजा नहीं गया: आपके खोलने के बाद { $user } ने { $time } पर यह रिकॉर्ड बदला। उनका बदलाव देखने के लिए रद्द करके फिर खोलें; आपका लिखा पाठ कॉपी के लिए अभी यहीं है।
form-discard-question = आपके लिखे बदलाव छोड़ दें?
form-keep-editing = संपादन जारी रखें
form-discard = छोड़ें
stage-form-title = चरण बदलें
stage-form-current = अभी: { $stage }
stage-form-move-to = इस चरण में ले जाएँ
stage-form-reason = कारण
stage-form-choose-reason = कारण चुनें…
stage-form-note = टिप्पणी
stage-form-choose = किस चरण में ले जाना है, चुनें।
stage-form-private-note = यह कैमरा निजी क्षेत्र देखता है: इसे केवल अस्वीकृत किया जा सकता है।

## ऑडिट लॉग
audit-title = ऑडिट लॉग
audit-body = रजिस्टर का हर बदलाव, किसने और कब किया। प्रविष्टियाँ बदली या हटाई नहीं जा सकतीं।
audit-refresh = ताज़ा करें
audit-col-when = कब (IST)
audit-col-who = किसने
audit-col-action = कार्य
audit-col-what = रिकॉर्ड
audit-col-change = बदलाव

## CLI
cli-demo-progress = डेमो रजिस्टर लिखा जा रहा है… { $percent }%
cli-demo-done = डेमो रजिस्टर { $path } में लिखा गया: { $sites } स्थलों पर { $cameras } कैमरे, { $integrated } एकीकृत (पिछले 7 दिनों में { $week }), सीड { $seed }, { $seconds } सेकंड में।
cli-stats-title = रजिस्टर { $path }
cli-stats-demo = (डेमो रजिस्टर)
cli-stats-as-of = { $time } IST की स्थिति
cli-stats-totals = { $sites ->
    [one] { $sites } स्थल
   *[other] { $sites } स्थलों
  } पर { $cameras ->
    [one] { $cameras } कैमरा
   *[other] { $cameras } कैमरे
  }
cli-stats-integrated = एकीकृत: { $total }, जिनमें से { $week } पिछले 7 दिनों में
cli-stats-by-stage = चरण के अनुसार
cli-stats-by-category = स्वामी श्रेणी के अनुसार
cli-stats-by-reason = रुके हुए कैमरे, कारण के अनुसार
cli-stats-col-share = एकीकृत %
cli-error-no-home = डिफ़ॉल्ट रजिस्टर फ़ाइल के लिए होम डायरेक्टरी नहीं मिली; --db PATH से फ़ाइल बताएँ।
cli-probe-line = कैमरा { NUMBER($id, useGrouping: "false") } { $camera }, { $site }: { $state } ({ $detail })
cli-probe-summary = { $seconds } s में { $probed } कैमरे जाँचे ({ $rate } जाँच/मिनट): { $counts }
cli-probe-nothing = जाँचने के लिए किसी कॉन्फ़िगर या एकीकृत कैमरे का स्ट्रीम या स्नैपशॉट पता नहीं है।

## साइट मैप: ऑफ़लाइन बेस मैप (MBTiles फ़ाइल)
map-tiles-error-missing = बेस मैप फ़ाइल { $path } नहीं मिली।
map-tiles-error-not-a-file = { $path } एक फ़ोल्डर है, बेस मैप फ़ाइल (.mbtiles) नहीं।
map-tiles-error-unreadable = बेस मैप फ़ाइल { $path } पढ़ी नहीं जा सकती: { $detail }
map-tiles-error-not-sqlite = { $path } MBTiles बेस मैप नहीं है (यह SQLite डेटाबेस नहीं है)।
map-tiles-error-corrupt = बेस मैप फ़ाइल { $path } क्षतिग्रस्त है; इसे इसके स्रोत से फिर से कॉपी करें। ({ $detail })
map-tiles-error-empty = { $path } एक खाली डेटाबेस है: इसमें कोई मैप टाइल नहीं है।
map-tiles-error-no-tiles-table = { $path } SQLite डेटाबेस है, पर MBTiles बेस मैप नहीं: इसमें "tiles" तालिका नहीं है।
map-tiles-error-bad-tiles-table = { $path } की "tiles" तालिका MBTiles के रूप में नहीं है: { $detail }
map-tiles-error-no-tiles = बेस मैप फ़ाइल { $path } में कोई टाइल नहीं है।
map-tiles-error-vector = { $path } में वेक्टर टाइलें हैं (मैप का डेटा, चित्र नहीं)। डेस्क रास्टर टाइलें (PNG, JPEG या WebP) दिखाता है: बेस मैप को रास्टर MBTiles के रूप में निर्यात करें।
map-tiles-error-unsupported-format = { $path } की टाइलें { $format } चित्र हैं; डेस्क केवल PNG, JPEG या WebP टाइलें दिखाता है।
map-tiles-error-not-images = { $path } की टाइलें चित्र नहीं हैं (न PNG, न JPEG, न WebP)।
map-tiles-error-too-slow = बेस मैप फ़ाइल { $path } ने { $seconds } सेकंड में उत्तर नहीं दिया; फ़ाइल बहुत बड़ी हो सकती है या उसका इंडेक्स नहीं है।
map-tiles-error-tile-too-big = { $path } की टाइल { $tile } { $size } बाइट की है, जो एक मैप टाइल की सीमा ({ $max } बाइट) से अधिक है।
map-tiles-error-database = बेस मैप फ़ाइल { $path } पढ़ी नहीं जा सकी: { $detail }

## स्वास्थ्य
health-online = ऑनलाइन
health-offline = ऑफ़लाइन
health-auth-failed = लॉगिन विफल
health-stream-error = स्ट्रीम त्रुटि
health-not-probed = अभी जाँचा नहीं

## कैमरा वॉल
nav-wall = कैमरा वॉल
filter-health = स्थिति
wall-layout = लेआउट
wall-layout-list = सूची
wall-sort = क्रम
wall-sort-problems = समस्याएँ पहले
wall-sort-name = नाम
wall-sort-last-seen = सबसे देर से न दिखे पहले
wall-prober-start = जाँच शुरू करें
wall-prober-pause = जाँच रोकें
wall-prober-rate = जाँचक: पिछला दौर { $cameras } कैमरों पर { $rate } जाँच/मिनट
wall-prober-sweeping = जाँचक: { $rate } जाँच/मिनट, { $due } में से { $probed } जाँचे गए
wall-prober-starting = जाँचक: पहला दौर शुरू हो रहा है
wall-showing = वॉल पर { $shown }
wall-empty = इन फ़िल्टरों से कोई कॉन्फ़िगर या एकीकृत कैमरा नहीं मिला।
wall-no-picture = अभी कोई चित्र नहीं
wall-no-snapshot-url = स्नैपशॉट का पता नहीं
wall-last-seen = अंतिम बार { $ago } देखा
wall-never-seen = कभी ऑनलाइन नहीं देखा
wall-details-none = कैमरे का विवरण देखने के लिए कोई टाइल चुनें।
wall-last-probe = अंतिम जाँच
wall-latency = उत्तर समय
wall-video = वीडियो
wall-last-error = अंतिम त्रुटि
wall-uptime = अपटाइम: 24 घंटे में { $day }, 7 दिन में { $week }
wall-probe-now = अभी जाँचें
wall-events = स्थिति में बदलाव
wall-events-none = अभी कोई बदलाव नहीं।
wall-event-online = { $site }, { $camera } { $time } पर फिर ऑनलाइन
wall-event-offline = { $site }, { $camera } { $time } पर ऑफ़लाइन हुआ
wall-event-auth-failed = { $site }, { $camera } ने { $time } पर पासवर्ड अस्वीकार किया
wall-event-stream-error = { $site }, { $camera } में { $time } पर स्ट्रीम त्रुटि
ago-seconds = { $n } सेकंड पहले
ago-minutes = { $n } मिनट पहले
ago-hours = { $n } घंटे पहले
ago-days = { $n } दिन पहले

# Site map
nav-map = स्थल मानचित्र
map-pin-offline = ऑफ़लाइन
map-pin-auth-failed = पासवर्ड अस्वीकृत
map-pin-stream-error = स्ट्रीम त्रुटि
map-pin-blocked = एकीकरण रुका हुआ
map-pin-not-probed = अभी जाँचा नहीं
map-pin-in-progress = एकीकरण जारी
map-pin-online = ऑनलाइन
map-pin-rejected = अस्वीकृत
map-layers = परतें
map-layer-base = आधार मानचित्र
map-layer-cameras = कैमरे
map-layer-fov = दृष्टि क्षेत्र
map-layer-priority = ब्लैक स्पॉट, टोल प्लाज़ा, जेल
map-zoom-in = पास से देखें
map-zoom-out = दूर से देखें
map-whole-city = पूरा शहर
map-building = कैमरे मानचित्र पर लगाए जा रहे हैं…
map-showing = मानचित्र पर { $cameras } कैमरे
map-find = मानचित्र पर खोजें
map-find-hint = स्थल या कैमरा, हिन्दी या English
map-find-none = कुछ नहीं मिला।
map-box-hint = बॉक्स के कैमरे चुनने के लिए मानचित्र पर Shift दबाकर खींचें।
map-box-selected = { $count } कैमरे चुने गए
map-box-show-wall = वॉल पर दिखाएँ
map-box-show-table = तालिका में दिखाएँ
map-box-clear = चयन हटाएँ
map-legend = संकेत
map-legend-cluster = कई कैमरे: घेरा सबसे ख़राब स्थिति दिखाता है
map-described = स्थल मानचित्र, { $cameras } कैमरे, ज़ूम { $zoom }
map-scale-km = { $km } कि.मी.
map-scale-m = { $m } मी.
map-pick-position = जहाँ कैमरा लगा है वहाँ क्लिक करें।
map-pick-bearing = कैमरा जिस ओर देखता है उस ओर हैंडल खींचें।
map-pick-bearing-now = दिशा { $deg }°
map-pick-done = हो गया
map-pick-cancel = फ़ॉर्म पर लौटें
camera-pick-on-map = मानचित्र पर चुनें
camera-facing-on-map = मानचित्र पर दिशा तय करें
filter-only-selection = मानचित्र चयन: { $count } कैमरे
filter-only-clear = सभी कैमरे फिर दिखाएँ
map-base-tiles-failed = आधार मानचित्र की { $count } टाइलें नहीं दिखाई जा सकीं; अंतिम कारण: { $reason }
map-base-choose-title = ऑफ़लाइन आधार मानचित्र चुनें (MBTiles)
map-base-filter = MBTiles आधार मानचित्र
map-base-choose = आधार मानचित्र फ़ाइल…
map-base-choose-hint = इसी कंप्यूटर पर रखी रास्टर MBTiles फ़ाइल (PNG, JPEG या WebP टाइलें): मानचित्र को नेटवर्क नहीं चाहिए।
map-base-file = आधार मानचित्र: { $file }
map-base-none = कोई आधार मानचित्र नहीं: मानचित्र सादी पृष्ठभूमि पर बनता है।
## सीमाएँ (साइट मानचित्र पर वार्ड और थाना क्षेत्र)
boundary-kind-ward = वार्ड
boundary-kind-police-station = थाना क्षेत्र
boundary-error-invalid-json = फ़ाइल मान्य JSON नहीं है (पंक्ति { $line }, स्तंभ { $column }): { $detail }
boundary-error-not-geojson = फ़ाइल JSON है, पर GeoJSON नहीं: { $detail }
boundary-error-bare-geometry = फ़ाइल में नामों के बिना केवल एक { $found } ज्यामिति है; सीमाओं के लिए ऐसा FeatureCollection चाहिए जिसकी हर फ़ीचर में नाम हो।
boundary-error-empty = फ़ाइल में कोई फ़ीचर नहीं है।
boundary-error-bad-feature = फ़ीचर { $feature } मान्य GeoJSON नहीं है: { $detail }
boundary-error-no-geometry = फ़ीचर { $feature } में कोई ज्यामिति नहीं है।
boundary-error-not-an-area = फ़ीचर { $feature } एक { $geometry } है, क्षेत्र नहीं: सीमाएँ बहुभुज (Polygon या MultiPolygon) होनी चाहिए। क्या यह बिंदुओं या रेखाओं की फ़ाइल है?
boundary-error-bad-ring = फ़ीचर { $feature } की एक रिंग में तीन से कम अलग-अलग कोने हैं।
boundary-error-declared-web-mercator = फ़ाइल अपने निर्देशांक { $crs } में बताती है: यह वेब मर्केटर (EPSG:3857) मीटर है, देशांतर/अक्षांश नहीं। परत को WGS 84 (EPSG:4326) में दोबारा निर्यात करें।
boundary-error-declared-utm = फ़ाइल अपने निर्देशांक { $crs } में बताती है: यह UTM ज़ोन { $zone } मीटर है, देशांतर/अक्षांश नहीं। परत को WGS 84 (EPSG:4326) में दोबारा निर्यात करें।
boundary-error-declared-other = फ़ाइल अपने निर्देशांक { $crs } में बताती है, WGS 84 देशांतर/अक्षांश में नहीं। परत को WGS 84 (EPSG:4326) में दोबारा निर्यात करें।
boundary-error-web-mercator = निर्देशांक वेब मर्केटर (EPSG:3857) मीटर में हैं, देशांतर/अक्षांश में नहीं (फ़ीचर { $feature } में { $x }, { $y })। परत को WGS 84 (EPSG:4326) में दोबारा निर्यात करें।
boundary-error-utm = निर्देशांक UTM मीटर जैसे लगते हैं (6 अंकों के ईस्टिंग, 7 अंकों के नॉर्थिंग; झाँसी UTM ज़ोन 44N, EPSG:32644 में है), देशांतर/अक्षांश नहीं (फ़ीचर { $feature } में { $x }, { $y })। परत को WGS 84 (EPSG:4326) में दोबारा निर्यात करें।
boundary-error-unknown-coordinates = फ़ीचर { $feature } में निर्देशांक { $x }, { $y } है: यह न देशांतर/अक्षांश है, न वेब मर्केटर या UTM मीटर।
boundary-error-swapped = निर्देशांक अक्षांश, देशांतर क्रम में लगते हैं: जैसे लिखे हैं वैसे भारत के बाहर पड़ते हैं, अदल-बदल कर भारत के भीतर (फ़ीचर { $feature } में { $x }, { $y })। GeoJSON में देशांतर पहले आता है, इसलिए परत को दोबारा निर्यात करें।
boundary-error-missing-name = फ़ीचर { $feature } में नाम वाले गुण “{ $property }” का कोई मान नहीं है।
map-layer-wards = वार्ड
map-layer-police = थाना क्षेत्र
map-areas-choose = सीमाएँ आयात करें…
map-areas-choose-hint = देशांतर/अक्षांश (WGS 84) वाली GeoJSON फ़ाइल से वार्ड या थाना क्षेत्र; उस प्रकार की परत बदल दी जाती है।
map-areas-choose-title = वार्ड या थाना क्षेत्रों की GeoJSON फ़ाइल चुनें
map-areas-filter = GeoJSON
map-areas-import-title = सीमाएँ आयात करें
map-areas-import-file = { $file }: { $count } क्षेत्र
map-areas-kind = परत
map-areas-name-property = नाम इससे
map-areas-code-property = कोड इससे
map-areas-no-code = (कोई नहीं)
map-areas-sample = पहले क्षेत्र, जिन नामों से आएँगे
map-areas-import = आयात करें
map-areas-imported = { $kind }: { $count } क्षेत्र आयात हुए।
map-areas-legend = { $kind } ({ $count })
cli-weekly-title = साप्ताहिक समीक्षा { $week } ({ $from } से { $to }, भारतीय मानक समय)
cli-weekly-integrated = एकीकृत: कुल { $total }, इस सप्ताह { $week }, पिछले सप्ताह { $last }
cli-weekly-category = {"  "}{ $category }: { $cameras } में से { $total } एकीकृत (इस सप्ताह { $week }, पिछले सप्ताह { $last })
cli-weekly-moves = नए सर्वेक्षण: { $surveys }; इस सप्ताह रुके: { $blocked }; इस सप्ताह फिर चले: { $resolved }; अभी रुके: { $blocked_now }
cli-weekly-uptime = इस सप्ताह एकीकृत कैमरों का अपटाइम: { $pct } % ({ $cameras } जाँचे गए कैमरों का औसत)
cli-weekly-uptime-none = इस सप्ताह एकीकृत कैमरों का अपटाइम: जाँच के परिणाम नहीं
nav-review = साप्ताहिक समीक्षा
review-title = साप्ताहिक समीक्षा
review-previous-week = « पिछला सप्ताह
review-next-week = अगला सप्ताह »
review-this-week = यह सप्ताह
review-week = { $week } ({ $from } से { $to })
review-integrated-total = कुल एकीकृत
review-integrated-this-week = इस सप्ताह एकीकृत
review-integrated-last-week = पिछले सप्ताह
review-new-surveys = नए सर्वेक्षण
review-blocked-this-week = इस सप्ताह रुके
review-resolved-this-week = इस सप्ताह फिर चले
review-blocked-now = अभी रुके
review-uptime = एकीकृत कैमरों का अपटाइम
review-by-category = स्वामी श्रेणी के अनुसार
review-col-category = स्वामी श्रेणी
review-col-cameras = कैमरे
review-col-integrated = एकीकृत
review-col-this-week = इस सप्ताह
review-col-last-week = पिछले सप्ताह
review-chart-cumulative = एकीकृत कैमरे, सप्ताह दर सप्ताह
review-chart-weekly = हर सप्ताह एकीकृत, स्वामी श्रेणी के अनुसार
review-coverage-working = कौन-से प्राथमिक स्थान किसी कैमरे की नज़र में हैं, यह निकाला जा रहा है…
review-coverage = कवरेज: { $gaps } कमियाँ — { $places } में से { $covered } प्राथमिक स्थान किसी चालू एकीकृत कैमरे की नज़र में
review-gap-place = स्थान
review-gap-kind = प्रकार
review-gap-why = कारण
review-gap-candidate = एकीकरण के लिए निकटतम कैमरा
review-gap-integrate = { $camera }, { $site } में, { $metres } मी. दूर ({ $stage }; { $phone })
review-gap-install = 500 मी. के भीतर कोई नहीं: नया कैमरा चाहिए

## निर्यात (CSV, XLSX, GeoJSON)
export-done-sites = { $rows } स्थल { $path } में लिखे गए ({ $format }, { $size })
export-done-cameras = { $rows } कैमरे { $path } में लिखे गए ({ $format }, { $size })
export-done-blocked = { $rows } रुके हुए कैमरे { $path } में लिखे गए ({ $format }, { $size })
export-done-gaps = { $rows } कवरेज कमियाँ { $path } में लिखी गईं ({ $format }, { $size })
export-done-weekly = सप्ताह के आँकड़े ({ $rows } पंक्तियाँ) { $path } में लिखे गए ({ $format }, { $size })
export-all-categories = सभी श्रेणियाँ
export-err-folder-missing = { $path } नहीं लिखी जा सकी: फ़ोल्डर { $folder } मौजूद नहीं है।
export-err-not-a-folder = { $path } नहीं लिखी जा सकी: { $folder } फ़ोल्डर नहीं है।
export-err-read-only = { $path } नहीं लिखी जा सकी: फ़ोल्डर { $folder } केवल पढ़ने के लिए है या उसमें लिखने की अनुमति नहीं है ({ $detail })।
export-err-disk-full = { $path } नहीं लिखी जा सकी: डिस्क भर गई है।
export-err-target-is-folder = { $path } नहीं लिखी जा सकी: यह एक फ़ोल्डर है; फ़ाइल का नाम दें।
export-err-io = { $path } नहीं लिखी जा सकी: { $detail }
export-err-no-points = { $path } GeoJSON में नहीं लिखी जा सकी: सूची में नक्शे पर स्थान नहीं हैं।
export-err-too-many-rows = { $path } XLSX में नहीं लिखी जा सकी: { $rows } पंक्तियाँ एक शीट की सीमा से अधिक हैं।

## छापने योग्य साप्ताहिक रिपोर्ट (HTML)
report-html-title = साप्ताहिक समीक्षा { $week } — आईसीसीसी झाँसी
report-org = सेफ़ सिटी झाँसी · एकीकृत कमान एवं नियंत्रण केंद्र (ICCC)
report-heading = साप्ताहिक समीक्षा { $week }: कैमरा एकीकरण
report-dates = सोमवार { $from } से रविवार { $to } तक (भारतीय मानक समय) · मंडलायुक्त की समीक्षा बैठक के लिए
report-demo-banner = डेमो डेटा — काल्पनिक स्थल, स्वामी और व्यक्ति; यह वास्तविक रजिस्टर नहीं है
report-charts = सप्ताह दर सप्ताह प्रगति
report-of-cameras = दर्ज { $cameras } कैमरों में से
report-change = पिछले सप्ताह ({ $last }) की तुलना में { $change }
report-at-week-end = सप्ताह के अंत में
report-uptime-probed = { $cameras } जाँचे गए कैमरों का औसत
report-uptime-none = इस सप्ताह जाँच के परिणाम नहीं
report-tile-gaps = कवरेज की कमियाँ (अभी)
report-gaps-of = { $places } में से { $covered } प्राथमिक स्थान कवर
report-col-change = बदलाव
report-axis-week = सप्ताह (ISO)
report-axis-cameras = कैमरे
report-gaps-title = कवरेज की कमियाँ: बिना चालू कैमरे के प्राथमिक स्थान
report-gaps-note = { $time } IST की स्थिति। कोई स्थान तब कवर माना जाता है जब पिछले 24 घंटों में जाँच का उत्तर देने वाला कोई एकीकृत कैमरा उसे देखता हो। प्रकार, फिर नाम के क्रम में।
report-gaps-none = हर प्राथमिक स्थान किसी चालू एकीकृत कैमरे की नज़र में है।
report-col-no = क्र.
report-col-distance = दूरी (मी.)
report-col-stage = चरण
report-col-phone = फ़ोन · संपर्क
report-footer = { $time } IST पर iccc-desk { $version } द्वारा ICCC कैमरा रजिस्टर से बनाई गई। एकीकरण के आँकड़े सप्ताह के अंत तक हर कैमरे के चरण-इतिहास से गिने गए हैं; कवरेज { $coverage_time } IST की स्थिति है।
report-err-read = रिपोर्ट के लिए रजिस्टर नहीं पढ़ा जा सका: { $detail }
cli-report-written = { $week } की साप्ताहिक रिपोर्ट { $path } में लिखी गई (HTML, { $size })
cli-report-html-needs-output = HTML रिपोर्ट एक फ़ाइल है: उसका नाम -o FILE से दें (जैसे -o weekly-{ $week }.html)
review-printable = छापने योग्य रिपोर्ट
review-printable-hint = इस सप्ताह की रिपोर्ट (आँकड़े, चार्ट, कवरेज की कमियाँ) दिखाई गई भाषा में HTML फ़ाइल के रूप में लिखें और छापने के लिए खोलें
review-printable-writing = छापने योग्य रिपोर्ट लिखी जा रही है…
review-printable-opening = छापने योग्य रिपोर्ट { $path } लिखी गई ({ $size }); सिस्टम के व्यूअर में खोली जा रही है
review-printable-written = छापने योग्य रिपोर्ट { $path } लिखी गई ({ $size })
review-printable-no-viewer = छापने योग्य रिपोर्ट लिखी गई, पर कोई व्यूअर उसे नहीं खोल सका ({ $detail }): { $path } स्वयं खोलें
report-source = रजिस्टर फ़ाइल: { $file }
