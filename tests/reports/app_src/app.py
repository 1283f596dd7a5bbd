"""A deliberately insecure Flask view, the input of the Bandit sample report."""

import hashlib
import subprocess

import requests
from flask import Flask, request

app = Flask(__name__)
DB_PASSWORD = "hunter2-not-a-real-one"


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    return subprocess.check_output("ping -c 1 " + host, shell=True)


@app.route("/digest")
def digest():
    return hashlib.md5(request.data).hexdigest()


@app.route("/proxy")
def proxy():
    return requests.get(request.args["url"], verify=False).text


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
