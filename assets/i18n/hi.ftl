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
err-wrong-scheme = { $expected }:// से शुरू होना चाहिए, { $found }:// से नहीं।
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
