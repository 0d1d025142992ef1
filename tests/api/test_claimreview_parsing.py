"""Reading ClaimReview records from other desks: both formats, rating spellings, malformed records one by one."""

from claims.claimreview_import import parse_claimreview, rating_to_verdict

SCHEMA_ORG_AR = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/ar/2024/05/haftar-moscow",
    "claimReviewed": "حفتر التقى وزير الدفاع الروسي في موسكو عام 2018",
    "datePublished": "2024-05-02",
    "author": {"@type": "Organization", "name": "مرصد التحقق", "url": "https://factcheck.example/"},
    "reviewRating": {"@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1, "alternateName": "صحيح"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "قناة ليبية"},
        "datePublished": "2024-04-30",
        "appearance": [{"@type": "CreativeWork", "url": "https://social.example/post/1"}],
    },
    "inLanguage": "ar",
}

GOOGLE_EN = {
    "claims": [
        {
            "text": "Europe lost all electricity on Monday.",
            "claimant": "x.com",
            "claimDate": "2025-04-28T19:23:46Z",
            "claimReview": [
                {
                    "publisher": {"name": "Checker", "site": "checker.example"},
                    "url": "https://checker.example/blackout",
                    "title": "Only some countries lost power",
                    "reviewDate": "2025-04-28T20:00:00Z",
                    "textualRating": "Partly false",
                    "languageCode": "en",
                }
            ],
        },
    ],
    "nextPageToken": "abc",
}


def test_schema_org_claimreview_is_read_with_claimant_date_rating_and_appearance():
    [record] = parse_claimreview(SCHEMA_ORG_AR).records
    assert record.claim_text == SCHEMA_ORG_AR["claimReviewed"]
    assert record.claimant == "قناة ليبية"
    assert record.claimed_on == "2024-04-30"
    assert record.verdict == "accurate"
    assert record.rating_text == "صحيح"
    assert record.publisher == "مرصد التحقق"
    assert record.appearance_url == "https://social.example/post/1"


def test_google_claims_search_response_is_read():
    [record] = parse_claimreview(GOOGLE_EN).records
    assert record.claimed_on == "2025-04-28"
    assert record.review_url == "https://checker.example/blackout"
    assert record.verdict == "misleading"
    assert record.publisher_site == "checker.example"


def test_one_claim_with_two_reviews_gives_two_records():
    claim = dict(GOOGLE_EN["claims"][0])
    second = dict(claim["claimReview"][0], url="https://other.example/x", textualRating="False")
    claim["claimReview"] = [claim["claimReview"][0], second]
    records = parse_claimreview([claim]).records
    assert [r.position for r in records] == ["1.1", "1.2"]
    assert [r.verdict for r in records] == ["misleading", "false"]


def test_missing_optional_fields_still_give_a_record():
    minimal = {"text": "خبر", "claimReview": [{"url": "https://misbar.example/1"}]}
    [record] = parse_claimreview([minimal]).records
    assert (record.claimant, record.claimed_on, record.rating_text, record.verdict) == ("", "", "", "")


def test_malformed_records_are_reported_one_by_one_and_the_rest_read():
    good = GOOGLE_EN["claims"][0]
    data = [
        good,
        {"text": 42, "claimReview": [{"url": "https://a.example/1"}]},
        {"text": "بلا رابط", "claimReview": [{"title": "x"}]},
        {"text": "تاريخ خطأ", "claimDate": 2020, "claimReview": [{"url": "https://a.example/2"}]},
        "not a record",
        {"@type": "ClaimReview", "url": "ftp://a.example/3", "claimReviewed": "x"},
        {"@type": "ClaimReview", "url": "https://a.example/4"},
        {"text": "بلا مراجعات", "claimReview": []},
    ]
    result = parse_claimreview(data)
    assert [r.position for r in result.records] == ["1"]
    reasons = {e.position: e.reason for e in result.errors}
    assert "text must be text" in reasons["2"]
    assert "url is missing" in reasons["3"]
    assert "claimDate must be an ISO date" in reasons["4"]
    assert "expected an object" in reasons["5"]
    assert "not an http(s) URL" in reasons["6"]
    assert "claimReviewed is missing" in reasons["7"]
    assert "non-empty list" in reasons["8"]


def test_graph_of_json_ld_nodes_keeps_only_claimreviews():
    data = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "WebPage", "url": "https://x.example"}, SCHEMA_ORG_AR],
    }
    result = parse_claimreview(data)
    assert len(result.records) == 1 and not result.errors


def test_arabic_rating_spellings_land_on_one_verdict():
    assert rating_to_verdict("مضلل") == rating_to_verdict("مضلّل") == "misleading"
    assert rating_to_verdict("صحيح جزئياً") == rating_to_verdict("صحيح جزئيًا") == "misleading"
    assert rating_to_verdict("زائف") == rating_to_verdict("خطأ") == rating_to_verdict("False") == "false"


def test_partly_false_is_not_read_as_false():
    assert rating_to_verdict("غير صحيح جزئياً") == "misleading"
    assert rating_to_verdict("غير صحيح") == "false"


def test_a_paragraph_rating_is_read_from_its_verdict_sentence():
    text = "اتضح لأنير أن هذا الادعاء مضلل؛ حيث قمنا بالتحقق من صحة الفيديو عبر البحث العكسي"
    assert rating_to_verdict(text) == "misleading"


def test_unknown_rating_maps_to_no_verdict():
    assert rating_to_verdict("لم يعتمد الاتحاد الإفريقي نتيجة هدفين مقابل صفر") == ""
    assert rating_to_verdict("") == ""


def test_numeric_rating_without_a_label_uses_the_reviewers_scale():
    node = dict(SCHEMA_ORG_AR, reviewRating={"ratingValue": "1", "bestRating": "5", "worstRating": "1"})
    [record] = parse_claimreview(node).records
    assert record.verdict == "false"
