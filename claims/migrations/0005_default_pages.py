"""Seed the about, methodology, corrections policy and verdict scale pages in English and Arabic.

Editors rewrite them in the admin; a page that already exists is left as it is.
"""

from django.db import migrations

PAGES = {
    "about": {
        "en": (
            "About us",
            "<p>We are an independent fact-checking desk. We check claims made in the news, show "
            "every source we used with an archived copy, and publish our verdicts with the reasons "
            "for them.</p><p>We are not affiliated with any party or government. Write to us to "
            "suggest a claim or to point out a mistake.</p>",
        ),
        "ar": (
            "من نحن",
            "<p>نحن فريق مستقل للتحقق من الأخبار. نتحقق من الادعاءات الواردة في الأخبار، ونعرض كل "
            "مصدر استخدمناه مع نسخة محفوظة منه، وننشر أحكامنا مع أسبابها.</p><p>لا نتبع أي حزب أو "
            "حكومة. راسلونا لاقتراح ادعاء أو للتنبيه إلى خطأ.</p>",
        ),
    },
    "methodology": {
        "en": (
            "How we check",
            "<ol><li>We pick claims that matter to the public and can be checked.</li>"
            "<li>We quote the claim in its context and name who made it.</li>"
            "<li>We look for the best available sources, original documents first, and keep "
            "an archived copy of each one.</li><li>An editor proposes a verdict with a written "
            "rationale; a second editor reviews it before anything is published.</li>"
            "<li>We show every source, including those that contradict our finding.</li></ol>",
        ),
        "ar": (
            "منهجيتنا",
            "<ol><li>نختار ادعاءات تهم الجمهور ويمكن التحقق منها.</li><li>ننقل الادعاء في سياقه "
            "ونذكر من أطلقه.</li><li>نبحث عن أفضل المصادر المتاحة، والوثائق الأصلية أولاً، ونحفظ "
            "نسخة من كل مصدر.</li><li>يقترح محرر حكماً مع تعليل مكتوب، ويراجعه محرر ثانٍ قبل النشر."
            "</li><li>نعرض كل المصادر، بما فيها تلك التي تخالف ما توصلنا إليه.</li></ol>",
        ),
    },
    "corrections": {
        "en": (
            "Corrections policy",
            "<p>When we get something wrong we correct it openly. A corrected claim "
            "page says what changed, when and why, in its timeline; nothing is removed "
            "silently. A claim we withdraw stays online, marked as retracted.</p>"
            "<p>To ask for a correction, write to us with the claim's address and what "
            "you think is wrong.</p>",
        ),
        "ar": (
            "سياسة التصحيح",
            "<p>عندما نخطئ نصحح الخطأ علناً. تذكر صفحة الادعاء المصحَّح ما الذي تغيّر ومتى "
            "ولماذا في سجلها الزمني، ولا يُحذف شيء بصمت. والادعاء الذي نسحبه يبقى منشوراً "
            "مع إشارة إلى سحبه.</p><p>لطلب تصحيح، راسلونا مع رابط الادعاء وما ترونه "
            "خاطئاً.</p>",
        ),
    },
    "verdicts": {
        "en": (
            "Our verdicts",
            "<p>Every claim we publish gets one verdict from this fixed scale, with a written rationale.</p>",
        ),
        "ar": ("أحكامنا", "<p>يحصل كل ادعاء ننشره على حكم واحد من هذا السلم الثابت، مع تعليل مكتوب.</p>"),
    },
}


def seed(apps, schema_editor):
    Page = apps.get_model("claims", "Page")
    for slug, languages in PAGES.items():
        for language, (title, body) in languages.items():
            Page.objects.get_or_create(slug=slug, language=language, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_claimreview_origin")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
