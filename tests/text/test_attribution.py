import subprocess
import sys

import pytest

from newsroom.text.attribution import suggest_claimant


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ('"We need to do something urgently," Cavusoglu said, warning Turkey.', "Cavusoglu"),
        (
            '"The regime needs to stop," Cavusoglu told reporters in Ankara, referring to it.',
            "Cavusoglu",
        ),
        (
            "Seven Turkish soldiers and one civilian died in Monday's shelling by Syrian "
            "government forces in the embattled rebel stronghold of Idlib, Cavusoglu confirmed.",
            "Cavusoglu",
        ),
        (
            "Turkish Foreign Minister Mevlut Cavusoglu said on Tuesday that Russia should help.",
            "Turkish Foreign Minister Mevlut Cavusoglu",
        ),
        ("The talks will resume next week, said Cavusoglu.", "Cavusoglu"),
        ("The talks will resume, said Tuesday's statement.", None),
        (
            "The escalation is a test of ties, Konstantin Kosachyov, who heads a Russian "
            "committee on international affairs, said on Tuesday.",
            "Konstantin Kosachyov",
        ),
        ("Inflation reached 12% in May, according to the central bank.", "the central bank"),
        ("According to Reuters, the deal collapsed.", "Reuters"),
        ("Russia backs Syrian President Bashar al-Assad, while Turkey supports rebels.", None),
        ("The Astana processes have stalled, Cavusoglu said.", "Cavusoglu"),
        ("She said the vote was rigged.", None),
        ("Érdogan told reporters the border is closed.", "Érdogan"),
        ('"Nothing changed," Bashar al-Assad said.', "Bashar al-Assad"),
        ("", None),
    ],
)
def test_suggest_claimant(sentence, expected):
    assert suggest_claimant(sentence) == expected


def test_attribution_is_pure():
    code = (
        "import sys, newsroom.text.attribution; "
        "print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
