SELECT substr('Hello World', 1, 5), substr('Hello World', 7), substr('Hello World', -5), substr('Hello World', -5, 2), substr('Hello', 3, 100)
