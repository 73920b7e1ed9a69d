"""Surprise on folds given as files, for `bench accuracy --vs surprise` (peer-surprise.ts).
Usage: PYTHONPATH=<a Surprise build> python3 surprise-folds.py ALGO PARAMS_JSON MIN MAX TRAIN1 TEST1 [TRAIN2 TEST2 ...]
Fold files: `user<TAB>item<TAB>rating` lines. Prints one JSON line: each fold's RMSE, MAE and fit seconds."""
import json
import sys
import time

from surprise import SVD, SVDpp, Dataset, Reader, accuracy
from surprise.model_selection import PredefinedKFold

ALGOS = {"svd": SVD, "svdpp": SVDpp}
algo_name, params, low, high, *files = sys.argv[1:]
reader = Reader(line_format="user item rating", sep="\t", rating_scale=(float(low), float(high)))
data = Dataset.load_from_folds(list(zip(files[0::2], files[1::2])), reader=reader)
report = {"rmse": [], "mae": [], "fitSeconds": []}
for trainset, testset in PredefinedKFold().split(data):
    algo = ALGOS[algo_name](**json.loads(params))
    started = time.perf_counter()
    algo.fit(trainset)
    report["fitSeconds"].append(time.perf_counter() - started)
    predictions = algo.test(testset)
    report["rmse"].append(accuracy.rmse(predictions, verbose=False))
    report["mae"].append(accuracy.mae(predictions, verbose=False))
print(json.dumps(report))
