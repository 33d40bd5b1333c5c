import os

# TensorFlow's C++ logging (oneDNN notices, XLA compilation messages) on import and on
# every compilation buries pytest's output; errors still show.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
