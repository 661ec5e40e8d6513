"""A spaCy training config for the DocBin `byline export --format spacy` writes.

It starts from the installed pipeline Byline reads with (its tagger, parser, lemmatizer stay,
frozen: Byline's quotes and claims need them) and trains

- `ner`, from that pipeline's own entity recognizer, on the annotators' entities: tokens no
  decision covers are *missing* in the export, so it learns only from what was decided;
- `span_finder` + `spancat` on quotes and claims (`doc.spans["sc"]`): the span finder proposes
  spans (up to 40 tokens: the candidates grow with the square of that), the categorizer
  labels them QUOTE or CLAIM.

`spacy train CONFIG --paths.train train.spacy --paths.dev dev.spacy --output ./output` writes
`./output/model-best`, which `byline --model ./output/model-best` reads with.
"""

from __future__ import annotations

from pathlib import Path

from tui.nlp.pipeline import model_name

#: The components taken as they are from the base pipeline (not trained).
FROZEN = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
TRAINED = ("ner", "span_finder", "spancat")

_HEADER = """\
# A spaCy training config written by Byline (byline export --format spacy --config PATH).
# Train: python -m spacy train {name} --paths.train TRAIN.spacy --paths.dev DEV.spacy \\
#            --output ./output
# Then read with it: byline --model ./output/model-best
"""

_TEMPLATE = """\
[paths]
train = null
dev = null
base = "{base}"

[system]
gpu_allocator = null
seed = 0

[nlp]
lang = "en"
pipeline = [{pipeline}]
batch_size = 64
tokenizer = {{"@tokenizers":"spacy.Tokenizer.v1"}}

[components]

[components.tok2vec]
source = ${{paths.base}}

[components.tagger]
source = ${{paths.base}}

[components.parser]
source = ${{paths.base}}

[components.attribute_ruler]
source = ${{paths.base}}

[components.lemmatizer]
source = ${{paths.base}}

[components.ner]
source = ${{paths.base}}

[components.span_finder]
factory = "span_finder"
spans_key = "sc"
threshold = 0.5
min_length = null
max_length = 40

[components.span_finder.model]
@architectures = "spacy.SpanFinder.v1"

[components.span_finder.model.scorer]
@layers = "spacy.LinearLogistic.v1"
nO = 2

[components.span_finder.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.span_finder.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 64
attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
rows = [5000,1000,2500,2500]
include_static_vectors = false

[components.span_finder.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 64
depth = 4
window_size = 1
maxout_pieces = 3

[components.spancat]
factory = "spancat"
spans_key = "sc"
threshold = 0.5
max_positive = 1

[components.spancat.suggester]
@misc = "spacy.preset_spans_suggester.v1"
spans_key = "sc"

[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"

[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.spancat.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 64
attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
rows = [5000,1000,2500,2500]
include_static_vectors = false

[components.spancat.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 64
depth = 4
window_size = 1
maxout_pieces = 3

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = 0.1
accumulate_gradient = 1
patience = 1600
max_epochs = 0
max_steps = 20000
eval_frequency = 200
frozen_components = [{frozen}]
annotating_components = ["span_finder"]

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.001

[training.score_weights]
ents_f = 0.5
spans_sc_f = 0.5
ents_p = 0.0
ents_r = 0.0
ents_per_type = null
spans_sc_p = 0.0
spans_sc_r = 0.0
span_finder_span_candidates_f = 0.0
span_finder_span_candidates_p = 0.0
span_finder_span_candidates_r = 0.0

[initialize]
vectors = null
"""


def training_config(base: str | None = None) -> str:
    """The config's text (only what differs from spaCy's defaults), starting from the
    pipeline `base` (default: Byline's model)."""
    frozen = ",".join(f'"{component}"' for component in FROZEN)
    base = model_name(base).replace("\\", "\\\\").replace('"', '\\"')
    pipeline = ",".join(f'"{component}"' for component in (*FROZEN, *TRAINED))
    return _TEMPLATE.format(base=base, frozen=frozen, pipeline=pipeline)


def write_config(path: Path, base: str | None = None) -> None:
    """Write the config filled with every default (as `spacy init fill-config` does: what
    `spacy debug data` wants), with a header that says how to train. Loads `base`."""
    from spacy.cli.init_config import fill_config

    from tui.errors import BylineError

    partial = path.with_name(path.name + ".partial")
    partial.write_text(training_config(base), "utf-8")
    try:
        fill_config(path, partial, silent=True)
    except (OSError, ValueError) as error:  # the base pipeline is not installed, ...
        raise BylineError(f"cannot write a training config: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    path.write_text(_HEADER.format(name=path.name) + path.read_text("utf-8"), "utf-8")
