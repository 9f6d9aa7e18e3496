/*
 * hello.cgi: the smallest CGI program that answers JSON.  make bench
 * measures it beside the API endpoints: its rate is what this machine's
 * web server can do with fork and exec alone, the ceiling for any CGI.
 */
#include <stdio.h>

int
main(void)
{
	fputs("Status: 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 17\r\n\r\n{\"hello\":\"world\"}", stdout);
	return 0;
}
