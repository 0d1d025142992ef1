"""The check-worthiness scorer (claims.checkworthiness), its training script and its benchmark.

The packaged model is the one trained on CheckThat! data; the training script and the benchmark run here on
tiny synthetic files in the shared formats, as subprocesses, the way a developer runs them.
"""

import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.checkworthiness import MODEL_PATH, explain, features, load_model, read_model, score

ROOT = Path(__file__).resolve().parents[1]

CLAIMS = {
    "en": "The health ministry said on Tuesday that 1,250 people died of COVID-19 in March, up 12% from February.",
    "ar": "أعلنت وزارة الصحة يوم الثلاثاء وفاة 1250 شخصا بفيروس كورونا في شهر مارس، بزيادة 12 في المئة عن فبراير.",
}
NOT_CLAIMS = {
    "en": ["Good morning everyone, have a lovely day!", "What do you think about this?", "I love you all so much"],
    "ar": ["صباح الخير للجميع", "ما رأيكم في هذا؟", "اللهم احفظنا جميعا يا رب"],
}

TWEETS_HEADER = "topic\ttweet_id\ttweet_url\ttweet_text\tclass_label\n"
SYNTHETIC_CLAIMS = [
    "The minister said 300 new cases were recorded on Monday",
    "Officials confirmed 45 deaths in the capital in 2021",
    "The report says unemployment rose to 12% last year",
    "Police arrested 17 people after the protest on Friday",
]
SYNTHETIC_OTHERS = [
    "Good morning everyone",
    "What a lovely day",
    "Why would anyone do this?",
    "I hope you all stay safe",
]


def synthetic_tweets(path: Path, repeat: int = 3) -> Path:
    rows = [(text, 1) for text in SYNTHETIC_CLAIMS] + [(text, 0) for text in SYNTHETIC_OTHERS]
    lines = [
        f"COVID-19\t{n}\thttp://twitter.com/user/status/{n}\t{text} {n}\t{label}\n"
        for n, (text, label) in enumerate(rows * repeat)
    ]
    path.write_text(TWEETS_HEADER + "".join(lines), encoding="utf-8")
    return path


def synthetic_transcript(path: Path) -> Path:
    rows = [("MODERATOR", "Good evening and welcome.", 0), ("SMITH", SYNTHETIC_CLAIMS[0], 1)]
    rows += [("JONES", text, 0) for text in SYNTHETIC_OTHERS] + [("SYSTEM", "(APPLAUSE)", 0)]
    lines = [f"{n}\t{speaker}\t{text}\t{label}\n" for n, (speaker, text, label) in enumerate(rows, start=1)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run(script: str, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, f"bench/{script}", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_packaged_model_loads_once_and_is_small():
    assert MODEL_PATH.exists(), "the trained model is committed with the package"
    assert MODEL_PATH.stat().st_size < 2_000_000
    model = load_model()
    assert load_model() is model
    assert len(model.weights) > 1000


def test_scores_are_probabilities_and_deterministic():
    for text in [*CLAIMS.values(), *NOT_CLAIMS["en"], *NOT_CLAIMS["ar"], ""]:
        first = score(text)
        assert 0.0 <= first <= 1.0
        assert score(text) == first


def test_a_sentence_with_figures_names_and_dates_outscores_greetings_opinions_and_questions():
    for language, claim in CLAIMS.items():
        claim_score = score(claim, language=language)
        assert claim_score >= 0.5, language
        for other in NOT_CLAIMS[language]:
            assert claim_score > score(other, language=language), (language, other)


def test_the_language_is_detected_when_not_given():
    assert score(CLAIMS["ar"]) == score(CLAIMS["ar"], language="ar")
    assert score(CLAIMS["en"]) == score(CLAIMS["en"], language="en")


def test_the_features_mark_records_money_votes_predictions_and_advice():
    debate = set(features("You voted against the $697 billion budget, the lowest since 1977.", "en"))
    assert {"comparison:1", "money:1", "stance:1", "you_said:1", "modal:0", "en|money:1"} <= debate
    arabic = set(features("ارتفع عدد الإصابات إلى مليون، وهو أكبر رقم منذ مارس", "ar"))
    assert {"comparison:1", "money:1", "ar|comparison:1"} <= arabic
    advice = set(features("Stay home and wear a mask, it will pass 🙏", "en"))
    assert {"advice:1", "modal:1", "emoji:1", "comparison:0", "money:0", "you_said:0"} <= advice


def test_a_record_claimed_in_a_debate_outscores_the_talk_around_it():
    claim = "We spend more on our military than the next eight nations combined."
    for talk in ("Thank you very much.", "Let me finish, please.", "That is a great question."):
        assert score(claim, language="en") > score(talk, language="en")


def test_explain_names_the_features_that_weigh_most():
    reasons = explain(CLAIMS["en"], language="en", limit=5)
    assert len(reasons) == 5
    assert all(isinstance(name, str) and isinstance(weight, float) for name, weight in reasons)
    assert abs(reasons[0][1]) >= abs(reasons[-1][1])


def test_the_training_script_writes_a_model_the_scorer_loads(tmp_path):
    tweets = synthetic_tweets(tmp_path / "CT22_english_1B_claim_train.tsv")
    out = tmp_path / "model.json.gz"
    result = run("train_checkworthiness.py", tweets, "--out", out, "--epochs", "5")
    assert result.returncode == 0, result.stderr
    assert "24 examples from 1 files, 12 positive" in result.stdout
    model = read_model(out)
    assert score("Officials confirmed 300 new cases on Monday", language="en", model=model) > score(
        "Good morning everyone", language="en", model=model
    )
    again = tmp_path / "again.json.gz"
    run("train_checkworthiness.py", tweets, "--out", again, "--epochs", "5")
    assert again.read_bytes() == out.read_bytes(), "training is deterministic"


def test_the_training_script_refuses_files_without_labelled_lines(tmp_path):
    empty = tmp_path / "empty.tsv"
    empty.write_text(TWEETS_HEADER, encoding="utf-8")
    result = run("train_checkworthiness.py", empty, "--out", tmp_path / "model.json.gz")
    assert result.returncode == 1
    assert "no labelled lines" in result.stderr
    assert not (tmp_path / "model.json.gz").exists()


def test_the_benchmark_prints_its_figures_on_any_split_in_the_same_format(tmp_path):
    arabic = synthetic_tweets(tmp_path / "CT22_arabic_1B_claim_dev.tsv", repeat=1)
    english = synthetic_tweets(tmp_path / "CT22_english_1B_claim_dev.tsv", repeat=1)
    transcript = synthetic_transcript(tmp_path / "20200101_debate.tsv")
    result = run("claim_spotting.py", "--arabic", arabic, "--english", english, "--transcripts", transcript)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ar (CT22_arabic_1B_claim_dev.tsv, n=8): accuracy " in out
    assert "en (CT22_english_1B_claim_dev.tsv, n=8): accuracy " in out
    assert "majority class 0.500" in out and "best published 0.761" in out
    assert "claim class: precision " in out
    assert "1 transcripts:" in out and "MAP " in out and "random 0.021, n-gram 0.095" in out
    assert "article cost: " in out and " ms CPU" in out


def test_the_benchmark_never_scores_a_transcript_the_model_was_trained_on(tmp_path):
    tweets = synthetic_tweets(tmp_path / "CT22_english_1B_claim_train.tsv")
    transcript = synthetic_transcript(tmp_path / "20200101_debate.tsv")
    other = synthetic_transcript(tmp_path / "20200202_other_debate.tsv")
    model = tmp_path / "model.json.gz"
    assert run("train_checkworthiness.py", tweets, transcript, "--out", model, "--epochs", "3").returncode == 0
    result = run(
        "claim_spotting.py",
        "--arabic",
        tweets,
        "--english",
        tweets,
        "--transcripts",
        transcript,
        other,
        "--model",
        model,
    )
    assert result.returncode == 0, result.stderr
    assert "20200101_debate.tsv: skipped, the model was trained on it" in result.stdout
    assert "20200202_other_debate.tsv: skipped" not in result.stdout
    assert "MAP " in result.stdout


def test_scoring_the_sentences_of_a_1000_word_article_costs_well_under_100_ms_of_cpu():
    sentences = [CLAIMS["en"], CLAIMS["ar"], *NOT_CLAIMS["en"], *NOT_CLAIMS["ar"]]
    article: list[tuple[str, str]] = []
    while sum(len(text.split()) for text, _ in article) < 1000:
        article.extend((text, "ar" if text in NOT_CLAIMS["ar"] or text == CLAIMS["ar"] else "en") for text in sentences)
    load_model()
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for text, language in article:
            score(text, language=language)
        best = min(best, time.process_time() - started)
    assert best < 0.1


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["", "ar", "en", "fr", "ar-EG"]))
def test_score_never_raises_and_stays_in_range(text, language):
    assert 0.0 <= score(text, language=language) <= 1.0
