SELECT sqrt(-1), pow(0, 0)
