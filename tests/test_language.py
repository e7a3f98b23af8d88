"""Language detection on a few hundred words of each supported language."""

import pytest

from ebookmaker.steps.language import detect_language

# Short passages written for this test (a few sentences of plain prose each).
SAMPLES = {
    "da": "Det var en kold morgen i byen, og folk gik hurtigt til arbejde. Han havde ikke sovet "
    "meget om natten, fordi han tænkte på sin far, som var blevet syg. Hun sagde til ham, at "
    "han skulle tage det roligt, men det var svært for ham. Vi ved ikke, hvad der vil ske, men "
    "vi håber, at alt bliver godt igen, når foråret kommer, og dagene bliver længere.",
    "no": "Det var en kald morgen i byen, og folk gikk raskt til jobben. Han hadde ikke sovet "
    "mye om natten, fordi han tenkte på faren sin, som hadde blitt syk. Hun sa til ham at han "
    "måtte ta det med ro, men det var vanskelig for ham. Vi vet ikke hva som vil skje, men vi "
    "håper at alt blir bra igjen når våren kommer og dagene blir lengre.",
    "es": "Era una mañana fría en la ciudad y la gente caminaba deprisa hacia el trabajo. Él no "
    "había dormido mucho durante la noche, porque pensaba en su padre, que estaba enfermo. "
    "Ella le dijo que debía tomarlo con calma, pero era difícil para él. No sabemos lo que "
    "pasará, pero esperamos que todo vuelva a estar bien cuando llegue la primavera.",
    "it": "Era una mattina fredda in città e la gente camminava in fretta verso il lavoro. Lui "
    "non aveva dormito molto durante la notte, perché pensava a suo padre, che si era "
    "ammalato. Lei gli disse che doveva prendersela con calma, ma per lui era difficile. Non "
    "sappiamo che cosa succederà, ma speriamo che tutto vada di nuovo bene in primavera.",
    "nl": "Het was een koude ochtend in de stad en de mensen liepen snel naar hun werk. Hij had "
    "die nacht niet veel geslapen, omdat hij aan zijn vader dacht, die ziek was geworden. Zij "
    "zei tegen hem dat hij het rustig aan moest doen, maar dat was moeilijk voor hem. We weten "
    "niet wat er zal gebeuren, maar we hopen dat alles weer goed komt als de lente komt.",
    "pl": "Był zimny poranek w mieście i ludzie szybko szli do pracy. On nie spał dużo w nocy, "
    "ponieważ myślał o swoim ojcu, który zachorował. Ona powiedziała mu, że powinien się "
    "uspokoić, ale było to dla niego trudne. Nie wiemy, co się stanie, ale mamy nadzieję, że "
    "wszystko będzie znowu dobrze, kiedy przyjdzie wiosna i dni staną się dłuższe.",
    "ru": "Было холодное утро в городе, и люди быстро шли на работу. Он почти не спал ночью, "
    "потому что думал о своём отце, который заболел. Она сказала ему, что нужно успокоиться, "
    "но ему было трудно. Мы не знаем, что будет дальше, но надеемся, что всё снова будет "
    "хорошо, когда придёт весна и дни станут длиннее.",
    "sv": "Det var en kall morgon i staden och folk gick fort till arbetet. Han hade inte sovit "
    "mycket under natten, eftersom han tänkte på sin far, som hade blivit sjuk. Hon sade till "
    "honom att han skulle ta det lugnt, men det var svårt för honom. Vi vet inte vad som kommer "
    "att hända, men vi hoppas att allt blir bra igen när våren kommer.",
    "de": "Es war ein kalter Morgen in der Stadt, und die Leute gingen schnell zur Arbeit. Er "
    "hatte in der Nacht nicht viel geschlafen, weil er an seinen Vater dachte, der krank "
    "geworden war. Sie sagte ihm, er solle sich beruhigen, aber das war schwer für ihn. Wir "
    "wissen nicht, was geschehen wird, aber wir hoffen, dass im Frühling alles wieder gut wird.",
    "fr": "C'était un matin froid dans la ville et les gens marchaient vite vers leur travail. "
    "Il n'avait pas beaucoup dormi pendant la nuit, parce qu'il pensait à son père, qui était "
    "tombé malade. Elle lui a dit qu'il devait rester calme, mais c'était difficile pour lui. "
    "Nous ne savons pas ce qui va arriver, mais nous espérons que tout ira bien au printemps.",
    "en": "It was a cold morning in the city and people walked quickly to work. He had not "
    "slept much during the night, because he was thinking about his father, who had fallen "
    "ill. She told him that he should take it easy, but it was hard for him. We do not know "
    "what will happen, but we hope that everything will be well again when spring comes.",
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_detects_each_language_from_a_short_passage(language):
    code, evidence = detect_language(SAMPLES[language])
    assert code == language, evidence


def test_a_long_batch_overflowing_the_word_memo_keeps_detecting(monkeypatch):
    """A batch worker remembers the words it looked up, up to a bound; the book whose new
    words overflow it (the memo is emptied) still gets every word's frequencies."""
    from ebookmaker.steps import language

    monkeypatch.setattr(language, "_MEMO", {})
    monkeypatch.setattr(language, "_MEMO_WORDS", 60)
    for code in ("es", "it", "fr", "es", "en", "fr"):  # shared words ("la", "non") come back
        assert detect_language(SAMPLES[code])[0] == code
