SELECT split('a,b,,c', ','), split('one two  three', ' '), split(Date, '/') FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
