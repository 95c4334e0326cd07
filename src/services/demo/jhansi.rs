//! Jhansi as the demo registry draws it (approximate public facts; see docs/domain.md): localities with their
//! wards and police stations, owner names by category, landmarks, the police's black spots, toll plazas and the
//! jail, people's names.

use super::*;

pub(super) const KOTWALI: &str = "Kotwali";
pub(super) const NAWABAD: &str = "Nawabad";
pub(super) const SIPRI_BAZAR: &str = "Sipri Bazar";
pub(super) const SADAR_BAZAR: &str = "Sadar Bazar";
pub(super) const PREMNAGAR: &str = "Premnagar";
pub(super) const CANTT: &str = "Cantt";
pub(super) const MAHILA_THANA: &str = "Mahila Thana";

pub(super) struct Locality {
    pub(super) en: &'static str,
    pub(super) hi: &'static str,
    pub(super) lat: f64,
    pub(super) lon: f64,
    /// How far sites scatter around the centre, metres.
    pub(super) spread_m: f64,
    pub(super) thana: &'static str,
    pub(super) pin: &'static str,
}

pub(super) const fn loc(
    en: &'static str,
    hi: &'static str,
    lat: f64,
    lon: f64,
    spread_m: f64,
    thana: &'static str,
    pin: &'static str,
) -> Locality {
    Locality {
        en,
        hi,
        lat,
        lon,
        spread_m,
        thana,
        pin,
    }
}

/// Thirty localities; each holds two of the city's sixty wards.
#[rustfmt::skip]
pub(super) const LOCALITIES: [Locality; 30] = [
    loc("Sainyar Gate", "सैंयर गेट", 25.4640, 78.5760, 350.0, NAWABAD, "284002"),
    loc("Orchha Gate", "ओरछा गेट", 25.4625, 78.5860, 350.0, NAWABAD, "284002"),
    loc("Sipri Bazar", "सीपरी बाजार", 25.4385, 78.5460, 700.0, SIPRI_BAZAR, "284003"),
    loc("Sadar Bazar", "सदर बाजार", 25.4450, 78.5690, 500.0, SADAR_BAZAR, "284001"),
    loc("Premnagar", "प्रेमनगर", 25.4720, 78.5640, 700.0, PREMNAGAR, "284003"),
    loc("Nawabad", "नवाबाद", 25.4560, 78.5850, 500.0, NAWABAD, "284002"),
    loc("Civil Lines", "सिविल लाइंस", 25.4520, 78.5780, 500.0, NAWABAD, "284001"),
    loc("Elite Chauraha", "इलाइट चौराहा", 25.4540, 78.5830, 400.0, NAWABAD, "284001"),
    loc("Station Road", "स्टेशन रोड", 25.4445, 78.5560, 500.0, SIPRI_BAZAR, "284003"),
    loc("Medical College", "मेडिकल कॉलेज", 25.4590, 78.6140, 600.0, NAWABAD, "284128"),
    loc("Jhansi Fort", "झाँसी किला", 25.4580, 78.5750, 300.0, KOTWALI, "284002"),
    loc("Manik Chowk", "माणिक चौक", 25.4600, 78.5790, 250.0, KOTWALI, "284002"),
    loc("Kanpur Road", "कानपुर रोड", 25.4600, 78.6250, 800.0, NAWABAD, "284128"),
    loc("Bijauli", "बिजौली", 25.4180, 78.5280, 900.0, SIPRI_BAZAR, "284135"),
    loc("Ganj", "गंज", 25.4630, 78.5810, 250.0, KOTWALI, "284002"),
    loc("Khoya Mandi", "खोया मंडी", 25.4615, 78.5830, 200.0, NAWABAD, "284002"),
    loc("Bada Bazar", "बड़ा बाजार", 25.4605, 78.5815, 250.0, KOTWALI, "284002"),
    loc("Sarafa Bazar", "सराफा बाजार", 25.4620, 78.5795, 200.0, KOTWALI, "284002"),
    loc("Minerva Chauraha", "मिनर्वा चौराहा", 25.4585, 78.5825, 250.0, NAWABAD, "284002"),
    loc("Taj Compound", "ताज कंपाउंड", 25.4400, 78.5505, 350.0, SIPRI_BAZAR, "284003"),
    loc("Nandanpura", "नंदनपुरा", 25.4340, 78.5560, 450.0, SIPRI_BAZAR, "284003"),
    loc("Gwalior Road", "ग्वालियर रोड", 25.4820, 78.5680, 900.0, PREMNAGAR, "284003"),
    loc("Lahargird", "लहरगिर्द", 25.4770, 78.5950, 600.0, PREMNAGAR, "284002"),
    loc("Alhaghat", "अलहघाट", 25.4730, 78.5880, 450.0, PREMNAGAR, "284002"),
    loc("Shivaji Nagar", "शिवाजी नगर", 25.4480, 78.6000, 600.0, NAWABAD, "284001"),
    loc("Jhansi Cantt", "झाँसी छावनी", 25.4400, 78.5800, 700.0, CANTT, "284001"),
    loc("Khati Baba", "खाती बाबा", 25.4690, 78.5800, 400.0, PREMNAGAR, "284003"),
    loc("Babina Road", "बबीना रोड", 25.4200, 78.5400, 900.0, SIPRI_BAZAR, "284003"),
    loc("Gumnawara", "गुमनावारा", 25.4520, 78.5960, 450.0, NAWABAD, "284001"),
    loc("Hansari", "हंसारी", 25.4330, 78.6000, 700.0, CANTT, "284001"),
];

// Locality indices used below by name.
pub(super) const L_SIPRI: usize = 2;
pub(super) const L_SADAR: usize = 3;
pub(super) const L_PREMNAGAR: usize = 4;
pub(super) const L_NAWABAD: usize = 5;
pub(super) const L_CIVIL_LINES: usize = 6;
pub(super) const L_ELITE: usize = 7;
pub(super) const L_STATION: usize = 8;
pub(super) const L_MEDICAL: usize = 9;
pub(super) const L_FORT: usize = 10;
pub(super) const L_KANPUR_ROAD: usize = 12;
pub(super) const L_BIJAULI: usize = 13;
pub(super) const L_GWALIOR_ROAD: usize = 21;
pub(super) const L_LAHARGIRD: usize = 22;
pub(super) const L_SHIVAJI: usize = 24;
pub(super) const L_KHATI_BABA: usize = 26;
pub(super) const L_BABINA_ROAD: usize = 27;

/// The number of a locality's ward `which` (0 or 1): 1–60 by a fixed permutation (37 is prime to 60).
pub(super) fn ward_number(locality: usize, which: usize) -> usize {
    ((locality * 2 + which) * 37) % 60 + 1
}

/// "Ward 12 Sipri Bazar": the two wards of a locality.
pub(super) fn ward_name(locality: usize, which: usize) -> String {
    format!(
        "Ward {} {}",
        ward_number(locality, which),
        LOCALITIES[locality].en
    )
}

/// Where sites of each owner category gather (a locality listed twice draws twice as many).
pub(super) fn localities_for(category: OwnerCategory) -> &'static [usize] {
    match category {
        OwnerCategory::Hotel => &[
            L_STATION,
            L_STATION,
            L_SIPRI,
            L_SADAR,
            L_CIVIL_LINES,
            L_ELITE,
            L_ELITE,
            19,
            L_FORT,
            0,
            L_GWALIOR_ROAD,
            L_NAWABAD,
        ],
        OwnerCategory::CoachingSchool => &[
            L_SIPRI,
            L_NAWABAD,
            L_NAWABAD,
            L_PREMNAGAR,
            L_CIVIL_LINES,
            L_SHIVAJI,
            L_MEDICAL,
            L_KANPUR_ROAD,
            L_ELITE,
            L_SADAR,
            L_KHATI_BABA,
            28,
            20,
        ],
        OwnerCategory::HospitalClinic => &[
            L_MEDICAL,
            L_MEDICAL,
            L_CIVIL_LINES,
            L_NAWABAD,
            L_SIPRI,
            L_ELITE,
            L_GWALIOR_ROAD,
            L_SHIVAJI,
            L_SADAR,
            1,
            23,
        ],
        OwnerCategory::IndustrialUnit => &[
            L_BIJAULI,
            L_BIJAULI,
            L_BIJAULI,
            L_BIJAULI,
            L_BABINA_ROAD,
            L_GWALIOR_ROAD,
            L_LAHARGIRD,
            29,
        ],
        OwnerCategory::Commercial => &[
            L_SADAR,
            L_SADAR,
            L_SIPRI,
            L_SIPRI,
            16,
            17,
            11,
            14,
            15,
            18,
            L_ELITE,
            L_CIVIL_LINES,
            L_PREMNAGAR,
            0,
            1,
            L_STATION,
            L_GWALIOR_ROAD,
            L_SHIVAJI,
        ],
        _ => &[
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29,
        ],
    }
}

/// (English, Hindi) with `{}` where the name goes.
pub(super) type Pattern = (&'static str, &'static str);
/// (English, Hindi).
pub(super) type Name = (&'static str, &'static str);

#[rustfmt::skip]
pub(super) const HOTEL_PATTERNS: &[Pattern] = &[
    ("Hotel {}", "होटल {}"),
    ("Hotel {}", "होटल {}"),
    ("Hotel {}", "होटल {}"),
    ("{} Guest House", "{} गेस्ट हाउस"),
    ("{} Lodge", "{} लॉज"),
    ("{} Residency", "{} रेजीडेंसी"),
];
#[rustfmt::skip]
pub(super) const HOTEL_NAMES: &[Name] = &[
    ("Raj Palace", "राज पैलेस"),
    ("Shivam", "शिवम"),
    ("Sita", "सीता"),
    ("Ganpati", "गणपति"),
    ("Bundela", "बुंदेला"),
    ("Laxmi", "लक्ष्मी"),
    ("Samrat", "सम्राट"),
    ("Orchha", "ओरछा"),
    ("Meera", "मीरा"),
    ("Vrindavan", "वृंदावन"),
    ("Maharaja", "महाराजा"),
    ("Saket", "साकेत"),
    ("Janki", "जानकी"),
    ("Anand", "आनंद"),
    ("Prakash", "प्रकाश"),
    ("Kaveri", "कावेरी"),
    ("Surya", "सूर्या"),
    ("Royal", "रॉयल"),
    ("Chandra", "चंद्रा"),
    ("Golden Palace", "गोल्डन पैलेस"),
    ("Shree Ram", "श्री राम"),
    ("Tulsi", "तुलसी"),
    ("Rajdhani", "राजधानी"),
    ("Pushpak", "पुष्पक"),
];

#[rustfmt::skip]
pub(super) const COACHING_PATTERNS: &[Pattern] = &[
    ("{} Coaching Centre", "{} कोचिंग सेंटर"),
    ("{} Classes", "{} क्लासेज"),
    ("{} Academy", "{} एकेडमी"),
    ("{} Public School", "{} पब्लिक स्कूल"),
    ("{} Institute", "{} इंस्टीट्यूट"),
    ("{} Library and Study Centre", "{} लाइब्रेरी एवं अध्ययन केंद्र"),
];
#[rustfmt::skip]
pub(super) const COACHING_NAMES: &[Name] = &[
    ("Gupta", "गुप्ता"),
    ("Saraswati", "सरस्वती"),
    ("Vidya", "विद्या"),
    ("Gyan Deep", "ज्ञान दीप"),
    ("Bundelkhand", "बुंदेलखंड"),
    ("Lakshya", "लक्ष्य"),
    ("Pragati", "प्रगति"),
    ("Shiksha", "शिक्षा"),
    ("Unnati", "उन्नति"),
    ("Disha", "दिशा"),
    ("Aadarsh", "आदर्श"),
    ("Manas", "मानस"),
    ("Chanakya", "चाणक्य"),
    ("Eklavya", "एकलव्य"),
    ("Aryabhatta", "आर्यभट्ट"),
    ("Vivekanand", "विवेकानंद"),
    ("Rani Laxmi Bai", "रानी लक्ष्मीबाई"),
    ("Prerna", "प्रेरणा"),
    ("Sankalp", "संकल्प"),
];

#[rustfmt::skip]
pub(super) const HOSPITAL_PATTERNS: &[Pattern] = &[
    ("{} Hospital", "{} हॉस्पिटल"),
    ("{} Hospital", "{} हॉस्पिटल"),
    ("{} Clinic", "{} क्लिनिक"),
    ("{} Nursing Home", "{} नर्सिंग होम"),
    ("{} Diagnostic Centre", "{} डायग्नोस्टिक सेंटर"),
    ("{} Eye Hospital", "{} नेत्र चिकित्सालय"),
    ("{} Children's Hospital", "{} शिशु चिकित्सालय"),
];
#[rustfmt::skip]
pub(super) const HOSPITAL_NAMES: &[Name] = &[
    ("Jeevan Jyoti", "जीवन ज्योति"),
    ("Sanjeevani", "संजीवनी"),
    ("Shri Ram", "श्री राम"),
    ("Maa Sharda", "माँ शारदा"),
    ("Sai", "साईं"),
    ("Arogya", "आरोग्य"),
    ("Kalyan", "कल्याण"),
    ("Sewa", "सेवा"),
    ("Shanti", "शांति"),
    ("Lifeline", "लाइफलाइन"),
    ("Nidaan", "निदान"),
    ("Apna", "अपना"),
    ("Mahalaxmi", "महालक्ष्मी"),
    ("Dhanvantari", "धन्वंतरि"),
    ("Shubham", "शुभम"),
    ("City", "सिटी"),
];

#[rustfmt::skip]
pub(super) const COMMERCIAL_PATTERNS: &[Pattern] = &[
    ("{} Jewellers", "{} ज्वैलर्स"),
    ("{} Sweets", "{} मिष्ठान्न भंडार"),
    ("{} Electronics", "{} इलेक्ट्रॉनिक्स"),
    ("{} Cloth House", "{} क्लॉथ हाउस"),
    ("{} Mall", "{} मॉल"),
    ("{} Co-operative Bank", "{} सहकारी बैंक"),
    ("{} Petrol Pump", "{} पेट्रोल पंप"),
    ("{} Super Market", "{} सुपर मार्केट"),
    ("{} Medical Store", "{} मेडिकल स्टोर"),
    ("{} Motors", "{} मोटर्स"),
    ("{} Restaurant", "{} रेस्टोरेंट"),
    ("{} Marriage Lawn", "{} मैरिज लॉन"),
];
#[rustfmt::skip]
pub(super) const COMMERCIAL_NAMES: &[Name] = &[
    ("Agrawal", "अग्रवाल"),
    ("Sharma", "शर्मा"),
    ("Laxmi", "लक्ष्मी"),
    ("Jain", "जैन"),
    ("Gupta", "गुप्ता"),
    ("Bundela", "बुंदेला"),
    ("Shree Balaji", "श्री बालाजी"),
    ("Radhe Krishna", "राधे कृष्ण"),
    ("Maa Vaishno", "माँ वैष्णो"),
    ("Ganesh", "गणेश"),
    ("City", "सिटी"),
    ("Jhansi", "झाँसी"),
    ("Soni", "सोनी"),
    ("Khandelwal", "खंडेलवाल"),
    ("Rastogi", "रस्तोगी"),
    ("Kesarwani", "केसरवानी"),
    ("Verma", "वर्मा"),
    ("Sahu", "साहू"),
];

#[rustfmt::skip]
pub(super) const INDUSTRIAL_PATTERNS: &[Pattern] = &[
    ("{} Industries", "{} इंडस्ट्रीज"),
    ("{} Agro Foods", "{} एग्रो फूड्स"),
    ("{} Cold Storage", "{} कोल्ड स्टोरेज"),
    ("{} Steel Fabricators", "{} स्टील फैब्रिकेटर्स"),
    ("{} Pipes", "{} पाइप्स"),
    ("{} Dal Mill", "{} दाल मिल"),
    ("{} Packaging", "{} पैकेजिंग"),
];
#[rustfmt::skip]
pub(super) const INDUSTRIAL_NAMES: &[Name] = &[
    ("Bundelkhand", "बुंदेलखंड"),
    ("Shiv Shakti", "शिव शक्ति"),
    ("Vindhya", "विंध्य"),
    ("Betwa", "बेतवा"),
    ("Pahuj", "पहूज"),
    ("Jhansi", "झाँसी"),
    ("Laxmi", "लक्ष्मी"),
    ("Om", "ओम"),
    ("Krishna", "कृष्णा"),
    ("Shree Ganesh", "श्री गणेश"),
];

/// Government offices of a locality: "Tehsil Office, Sadar Bazar".
#[rustfmt::skip]
pub(super) const GOVERNMENT_OFFICES: &[Name] = &[
    ("Tehsil Office", "तहसील कार्यालय"),
    ("Nagar Nigam Zonal Office", "नगर निगम जोनल कार्यालय"),
    ("Jal Sansthan Office", "जल संस्थान कार्यालय"),
    ("Electricity Sub-division Office", "विद्युत उपखंड कार्यालय"),
    ("Post Office", "डाकघर"),
    ("Sub-Registrar Office", "उप निबंधक कार्यालय"),
    ("Block Development Office", "खंड विकास कार्यालय"),
    ("Government Inter College", "राजकीय इंटर कॉलेज"),
    ("Primary Health Centre", "प्राथमिक स्वास्थ्य केंद्र"),
    ("Food and Supply Office", "खाद्य एवं आपूर्ति कार्यालय"),
    ("PWD Office", "लोक निर्माण विभाग कार्यालय"),
    ("Ration Shop (Fair Price Shop)", "राशन की दुकान (उचित मूल्य दुकान)"),
];

/// Public places of a locality: "Sipri Bazar Market".
#[rustfmt::skip]
pub(super) const PUBLIC_PATTERNS: &[Pattern] = &[
    ("{} Market", "{} बाजार क्षेत्र"),
    ("{} Park", "{} पार्क"),
    ("{} bus stop", "{} बस स्टॉप"),
    ("{} Chauraha", "{} चौराहा"),
    ("Shiv Mandir, {}", "शिव मंदिर, {}"),
    ("Hanuman Mandir, {}", "हनुमान मंदिर, {}"),
    ("{} vegetable market", "{} सब्ज़ी मंडी"),
    ("{} community hall", "{} सामुदायिक भवन"),
];

#[rustfmt::skip]
pub(super) const POLICE_PATTERNS: &[Pattern] = &[
    ("Police Chowki {}", "पुलिस चौकी {}"),
    ("Traffic booth, {}", "यातायात बूथ, {}"),
    ("UP-112 PRV point, {}", "यूपी-112 पीआरवी पॉइंट, {}"),
];

/// A place that is always in the demo registry.
pub(super) struct Landmark {
    pub(super) category: OwnerCategory,
    pub(super) priority: Priority,
    pub(super) en: &'static str,
    pub(super) hi: &'static str,
    pub(super) lat: f64,
    pub(super) lon: f64,
    pub(super) thana: &'static str,
    pub(super) locality: usize,
    pub(super) cameras: (usize, usize),
}

pub(super) const fn landmark(
    category: OwnerCategory,
    priority: Priority,
    (en, hi): Name,
    (lat, lon): (f64, f64),
    thana: &'static str,
    locality: usize,
    cameras: (usize, usize),
) -> Landmark {
    Landmark {
        category,
        priority,
        en,
        hi,
        lat,
        lon,
        thana,
        locality,
        cameras,
    }
}

#[rustfmt::skip]
pub(super) const LANDMARKS: &[Landmark] = {
    use OwnerCategory::{GovernmentOffice as G, Police as P, PublicPlace as U};
    use Priority::{None as N, PublicPlace as PP};
    &[
        landmark(G, N, ("Collectorate Jhansi", "कलेक्ट्रेट झाँसी"), (25.4528, 78.5790), NAWABAD, L_CIVIL_LINES, (3, 6)),
        landmark(G, N, ("Jhansi Nagar Nigam (ICCC campus)", "झाँसी नगर निगम (आईसीसीसी परिसर)"), (25.4555, 78.5805), KOTWALI, L_CIVIL_LINES, (4, 8)),
        landmark(G, N, ("Divisional Commissioner's Office", "मंडलायुक्त कार्यालय"), (25.4535, 78.5800), NAWABAD, L_CIVIL_LINES, (3, 5)),
        landmark(G, N, ("MLB Medical College", "महारानी लक्ष्मीबाई मेडिकल कॉलेज"), (25.4590, 78.6159), NAWABAD, L_MEDICAL, (6, 12)),
        landmark(G, N, ("Bundelkhand University", "बुंदेलखंड विश्वविद्यालय"), (25.4612, 78.6228), NAWABAD, L_KANPUR_ROAD, (4, 8)),
        landmark(G, N, ("District Hospital Jhansi", "जिला अस्पताल झाँसी"), (25.4575, 78.5720), KOTWALI, L_FORT, (5, 9)),
        landmark(G, N, ("Jhansi Development Authority", "झाँसी विकास प्राधिकरण"), (25.4510, 78.5850), NAWABAD, L_ELITE, (2, 4)),
        landmark(G, PP, ("Virangana Lakshmibai Jhansi Railway Station (VGLJ)", "वीरांगना लक्ष्मीबाई झाँसी रेलवे स्टेशन"), (25.4439, 78.5534), SIPRI_BAZAR, L_STATION, (8, 14)),
        landmark(U, PP, ("Jhansi Fort", "झाँसी का किला"), (25.4580, 78.5750), KOTWALI, L_FORT, (4, 8)),
        landmark(U, PP, ("Rani Mahal, Manik Chowk", "रानी महल, माणिक चौक"), (25.4597, 78.5793), KOTWALI, 11, (2, 4)),
        landmark(U, PP, ("Jhansi Bus Stand", "झाँसी बस स्टैंड"), (25.4495, 78.5860), NAWABAD, L_ELITE, (4, 8)),
        landmark(U, N, ("Narayan Bagh", "नारायण बाग"), (25.4560, 78.5700), SADAR_BAZAR, L_SADAR, (2, 3)),
        landmark(U, PP, ("Laxmi Tal", "लक्ष्मी ताल"), (25.4660, 78.5725), KOTWALI, L_FORT, (2, 4)),
        landmark(U, N, ("Major Dhyan Chand Stadium", "मेजर ध्यानचंद स्टेडियम"), (25.4540, 78.5895), NAWABAD, L_ELITE, (2, 4)),
        landmark(U, PP, ("Panchkuian Mandir", "पंचकुइयाँ मंदिर"), (25.4625, 78.5770), KOTWALI, 0, (2, 3)),
        landmark(P, N, ("Kotwali Police Station", "थाना कोतवाली"), (25.4608, 78.5802), KOTWALI, 16, (2, 5)),
        landmark(P, N, ("Nawabad Police Station", "थाना नवाबाद"), (25.4562, 78.5858), NAWABAD, L_NAWABAD, (2, 5)),
        landmark(P, N, ("Sipri Bazar Police Station", "थाना सीपरी बाजार"), (25.4388, 78.5468), SIPRI_BAZAR, L_SIPRI, (2, 5)),
        landmark(P, N, ("Sadar Bazar Police Station", "थाना सदर बाजार"), (25.4455, 78.5698), SADAR_BAZAR, L_SADAR, (2, 5)),
        landmark(P, N, ("Premnagar Police Station", "थाना प्रेमनगर"), (25.4718, 78.5648), PREMNAGAR, L_PREMNAGAR, (2, 5)),
        landmark(P, N, ("Cantt Police Station", "थाना कैंट"), (25.4405, 78.5795), CANTT, 25, (2, 4)),
        landmark(P, N, ("Mahila Thana", "महिला थाना"), (25.4532, 78.5815), MAHILA_THANA, L_CIVIL_LINES, (2, 4)),
        landmark(P, N, ("SSP Office", "एसएसपी कार्यालय"), (25.4522, 78.5802), NAWABAD, L_CIVIL_LINES, (3, 5)),
        landmark(P, N, ("Police Lines", "पुलिस लाइन"), (25.4470, 78.5760), SADAR_BAZAR, L_SADAR, (3, 6)),
    ]
};

/// A black spot the police named: (English, Hindi, lat, lon, thana, why it is on the list).
pub(super) type BlackSpot = (
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static str,
);

pub(super) const ACCIDENTS: &str = "accident-prone junction";
pub(super) const STRETCH: &str = "accident-prone stretch";
pub(super) const SNATCHING: &str = "chain-snatching hot spot";
pub(super) const CROWD: &str = "crowded market, pickpocketing and eve-teasing complaints";

#[rustfmt::skip]
pub(super) const BLACK_SPOTS: [BlackSpot; 40] = [
    ("Elite Chauraha", "इलाइट चौराहा", 25.4540, 78.5830, NAWABAD, ACCIDENTS),
    ("Jail Chauraha", "जेल चौराहा", 25.4515, 78.5735, NAWABAD, ACCIDENTS),
    ("Kachahri Chauraha", "कचहरी चौराहा", 25.4525, 78.5770, NAWABAD, ACCIDENTS),
    ("Chitra Chauraha", "चित्रा चौराहा", 25.4485, 78.5640, SADAR_BAZAR, ACCIDENTS),
    ("Sipri Bazar flyover", "सीपरी बाजार फ्लाईओवर", 25.4400, 78.5480, SIPRI_BAZAR, STRETCH),
    ("Medical College turn, Kanpur Road", "मेडिकल कॉलेज मोड़, कानपुर रोड", 25.4585, 78.6120, NAWABAD, ACCIDENTS),
    ("Bundelkhand University gate, Kanpur Road", "बुंदेलखंड विश्वविद्यालय गेट, कानपुर रोड", 25.4608, 78.6200, NAWABAD, STRETCH),
    ("Bypass junction, Gwalior Road", "बाईपास तिराहा, ग्वालियर रोड", 25.4950, 78.5700, PREMNAGAR, ACCIDENTS),
    ("Bhagwantpura turn, Gwalior Road", "भगवंतपुरा मोड़, ग्वालियर रोड", 25.4870, 78.5690, PREMNAGAR, STRETCH),
    ("Sainyar Gate crossing", "सैंयर गेट क्रॉसिंग", 25.4642, 78.5762, NAWABAD, CROWD),
    ("Orchha Gate crossing", "ओरछा गेट क्रॉसिंग", 25.4628, 78.5865, NAWABAD, ACCIDENTS),
    ("Minerva Chauraha", "मिनर्वा चौराहा", 25.4587, 78.5827, NAWABAD, ACCIDENTS),
    ("Railway station tiraha", "रेलवे स्टेशन तिराहा", 25.4445, 78.5550, SIPRI_BAZAR, ACCIDENTS),
    ("Khati Baba Chauraha", "खाती बाबा चौराहा", 25.4690, 78.5800, PREMNAGAR, ACCIDENTS),
    ("Lahargird turn", "लहरगिर्द मोड़", 25.4770, 78.5950, PREMNAGAR, STRETCH),
    ("Premnagar Chauraha", "प्रेमनगर चौराहा", 25.4720, 78.5640, PREMNAGAR, ACCIDENTS),
    ("Nandanpura crossing", "नंदनपुरा क्रॉसिंग", 25.4342, 78.5562, SIPRI_BAZAR, SNATCHING),
    ("Bijauli industrial area gate", "बिजौली औद्योगिक क्षेत्र गेट", 25.4185, 78.5290, SIPRI_BAZAR, STRETCH),
    ("Army cantonment turn, Babina Road", "छावनी मोड़, बबीना रोड", 25.4150, 78.5380, SIPRI_BAZAR, STRETCH),
    ("Karguan turn, Lalitpur Road", "करगुवां मोड़, ललितपुर रोड", 25.4050, 78.5500, SIPRI_BAZAR, STRETCH),
    ("Shivaji Nagar Chauraha", "शिवाजी नगर चौराहा", 25.4480, 78.6000, NAWABAD, ACCIDENTS),
    ("Gumnawara crossing", "गुमनावारा क्रॉसिंग", 25.4520, 78.5960, NAWABAD, SNATCHING),
    ("Pal Colony stretch, Kanpur Road", "पाल कॉलोनी खंड, कानपुर रोड", 25.4560, 78.6050, NAWABAD, STRETCH),
    ("Fort road curve", "किला रोड मोड़", 25.4572, 78.5735, KOTWALI, STRETCH),
    ("Manik Chowk", "माणिक चौक", 25.4600, 78.5790, KOTWALI, SNATCHING),
    ("Sarafa Bazar lane", "सराफा बाजार गली", 25.4620, 78.5797, KOTWALI, SNATCHING),
    ("Bada Bazar crossing", "बड़ा बाजार क्रॉसिंग", 25.4607, 78.5817, KOTWALI, CROWD),
    ("Khoya Mandi", "खोया मंडी", 25.4615, 78.5832, NAWABAD, CROWD),
    ("Ganj crossing", "गंज क्रॉसिंग", 25.4632, 78.5808, KOTWALI, CROWD),
    ("Alhaghat tiraha", "अलहघाट तिराहा", 25.4732, 78.5882, PREMNAGAR, ACCIDENTS),
    ("Sadar Bazar crossing", "सदर बाजार क्रॉसिंग", 25.4452, 78.5692, SADAR_BAZAR, CROWD),
    ("MG Road turn, Cantt", "एमजी रोड मोड़, छावनी", 25.4405, 78.5790, CANTT, ACCIDENTS),
    ("Bus stand exit", "बस स्टैंड निकास", 25.4490, 78.5868, NAWABAD, ACCIDENTS),
    ("Laxmi Tal embankment road", "लक्ष्मी ताल बांध मार्ग", 25.4650, 78.5720, KOTWALI, STRETCH),
    ("Narayan Bagh crossing", "नारायण बाग क्रॉसिंग", 25.4556, 78.5705, SADAR_BAZAR, ACCIDENTS),
    ("Taj Compound turn", "ताज कंपाउंड मोड़", 25.4402, 78.5507, SIPRI_BAZAR, SNATCHING),
    ("Pahuj bridge approach, Shivpuri Road", "पहूज पुल मार्ग, शिवपुरी रोड", 25.4470, 78.5150, SIPRI_BAZAR, STRETCH),
    ("NH-27 bypass junction, Kanpur Road", "एनएच-27 बाईपास तिराहा, कानपुर रोड", 25.4640, 78.6380, NAWABAD, ACCIDENTS),
    ("Hansari turn", "हंसारी मोड़", 25.4330, 78.6000, CANTT, STRETCH),
    ("Stadium road", "स्टेडियम रोड", 25.4535, 78.5880, NAWABAD, SNATCHING),
];

/// Toll plazas: two on NH-44 towards Lalitpur (south), two on NH-27 (Kanpur east, Shivpuri west).
#[rustfmt::skip]
pub(super) const TOLL_PLAZAS: [(Name, (f64, f64), &str); 4] = [
    (("NH-44 Toll Plaza I, Lalitpur Road", "एनएच-44 टोल प्लाज़ा I, ललितपुर रोड"), (25.3955, 78.5455), SIPRI_BAZAR),
    (("NH-44 Toll Plaza II, Lalitpur Road", "एनएच-44 टोल प्लाज़ा II, ललितपुर रोड"), (25.3925, 78.5530), SIPRI_BAZAR),
    (("NH-27 Toll Plaza, Kanpur Road", "एनएच-27 टोल प्लाज़ा, कानपुर रोड"), (25.4700, 78.6460), NAWABAD),
    (("NH-27 Toll Plaza, Shivpuri Road", "एनएच-27 टोल प्लाज़ा, शिवपुरी रोड"), (25.4350, 78.5040), SIPRI_BAZAR),
];

pub(super) const JAIL: (Name, (f64, f64), &str) = (
    ("District Jail Jhansi", "जिला कारागार झाँसी"),
    (25.4508, 78.5745),
    NAWABAD,
);

// People and phone numbers, all invented.
#[rustfmt::skip]
pub(super) const GIVEN_NAMES: &[&str] = &[
    "Ramesh", "Suresh", "Rajesh", "Anil", "Sunil", "Vijay", "Sanjay", "Amit", "Rahul", "Deepak", "Pooja", "Neha",
    "Sunita", "Anita", "Kavita", "Priya", "Manoj", "Pankaj", "Alok", "Ashok", "Rakesh", "Mukesh", "Dinesh",
    "Savita", "Rekha", "Meena", "Arvind", "Shailendra", "Rajeev", "Nidhi",
];
#[rustfmt::skip]
pub(super) const SURNAMES: &[&str] = &[
    "Sharma", "Verma", "Gupta", "Agrawal", "Yadav", "Singh", "Tiwari", "Dubey", "Mishra", "Pandey", "Srivastava",
    "Rajput", "Kushwaha", "Sahu", "Jain", "Khandelwal", "Rai", "Chaurasia", "Parihar", "Bundela", "Pal", "Saxena",
    "Soni",
];
#[rustfmt::skip]
pub(super) const MUSLIM_NAMES: &[&str] = &[
    "Mohd. Irfan", "Salim", "Farhan", "Shabnam", "Nasreen", "Imran", "Zakir", "Rehana",
];
pub(super) const MUSLIM_SURNAMES: &[&str] = &["Khan", "Ansari", "Qureshi", "Siddiqui"];

/// Desk operators who enter surveys and move cameras.
#[rustfmt::skip]
pub(super) const OPERATORS: &[&str] = &[
    "op.sharma", "op.khan", "op.verma", "op.yadav", "op.tiwari", "op.saxena",
];

#[rustfmt::skip]
pub(super) const STREETS: &[&str] = &[
    "Main Road", "Station Road", "Kanpur Road", "Gwalior Road", "Shivpuri Road", "Civil Lines Road", "Bazar Road",
    "Gali No. 2", "Gali No. 5", "Naya Mohalla", "Purana Mohalla", "Ram Nagar Colony", "Gandhi Marg",
];
